package io.raftray.state;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.raftray.model.Json;
import java.io.IOException;

/** JSON encoding of log entries ({@link CommandEnvelope}) and of results. */
public final class CommandCodec {
  private static final ObjectMapper JSON = Json.mapper();

  private CommandCodec() {}

  public static byte[] encode(CommandEnvelope env) {
    try {
      return JSON.writeValueAsBytes(env);
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode command " + env.command().action(), e);
    }
  }

  public static CommandEnvelope decode(byte[] data) throws IOException {
    CommandEnvelope env = JSON.readValue(data, CommandEnvelope.class);
    if (env.schema() != CommandEnvelope.SCHEMA) {
      throw new IOException("unsupported command schema " + env.schema());
    }
    if (env.command() == null) {
      throw new IOException("log entry has no command");
    }
    return env;
  }

  public static byte[] encodeResult(Result r) {
    try {
      return JSON.writeValueAsBytes(r);
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode result", e);
    }
  }

  public static Result decodeResult(byte[] data) throws IOException {
    return JSON.readValue(data, Result.class);
  }
}
