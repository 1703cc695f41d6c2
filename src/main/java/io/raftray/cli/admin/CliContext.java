package io.raftray.cli.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
import java.util.Map;

/** What commands take from the outside world, passed in so tests can replace it. */
record CliContext(Map<String, String> env, Clock clock, ObjectMapper json) {
  CliContext {
    env = Map.copyOf(env);
  }

  static CliContext system() {
    return new CliContext(System.getenv(), Clock.systemUTC(), new ObjectMapper());
  }

  /** An environment variable, or null when unset or blank. */
  String env(String name) {
    String value = env.get(name);
    return value == null || value.isBlank() ? null : value;
  }
}
