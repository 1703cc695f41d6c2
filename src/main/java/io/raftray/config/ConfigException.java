package io.raftray.config;

import java.util.List;
import org.jspecify.annotations.NullMarked;

/** A configuration that cannot be used; lists every problem found. */
@NullMarked
public final class ConfigException extends Exception {
  private final List<String> problems;

  public ConfigException(String file, List<String> problems) {
    super(file + ": " + String.join("; ", problems));
    this.problems = List.copyOf(problems);
  }

  public List<String> problems() {
    return problems;
  }
}
