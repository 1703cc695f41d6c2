package io.raftray.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.raftray.model.Json;
import java.io.IOException;
import java.util.Optional;

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

  /** The message a node sends to the leader for a write; it may hold a credential: never log it. */
  public static byte[] encodeSubmission(Submission s) {
    try {
      return JSON.writeValueAsBytes(s);
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode submission", e);
    }
  }

  /**
   * A write message back; a plain envelope (what nodes of the previous release sent) or anything
   * else is refused with a reason that quotes nothing of the message.
   */
  public static Submission decodeSubmission(byte[] data) throws Authority.Refused {
    Submission s;
    try {
      s = JSON.readValue(data, Submission.class);
    } catch (IOException e) {
      throw new Authority.Refused(
          "the write is not a submission of this release (a node of an older release?)");
    }
    if (s == null || s.version() != Submission.VERSION) {
      throw new Authority.Refused("unsupported submission version");
    }
    if (s.envelope() == null
        || s.envelope().schema() != CommandEnvelope.SCHEMA
        || s.envelope().command() == null) {
      throw new Authority.Refused("the submission holds no command of this release");
    }
    return s;
  }

  /** The submitting node a write message names, or empty when it is not a submission. */
  public static Optional<String> submitter(byte[] data) {
    try {
      JsonNode n = JSON.readTree(data);
      JsonNode node = n == null ? null : n.get("node");
      return node != null && node.isTextual() ? Optional.of(node.asText()) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
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
