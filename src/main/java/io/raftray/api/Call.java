package io.raftray.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.raftray.model.ErrorKind;
import io.raftray.model.Json;
import io.raftray.model.RaftrayException;
import io.raftray.state.Command;
import io.raftray.state.Result;
import io.raftray.state.State;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

/** One authenticated, routed API request: path ids, query, bounded JSON body, writes, replies. */
final class Call {
  static final String APPLIED_INDEX = "X-Raftray-Applied-Index";

  private static final ObjectReader READER =
      Json.mapper()
          .readerFor(JsonNode.class)
          .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .with(StreamReadFeature.STRICT_DUPLICATE_DETECTION);

  private final ServerRequest req;
  private final ServerResponse res;
  private final Map<String, String> params;
  private final Principal actor;
  private final Deps deps;
  private Query query;
  private byte[] body;
  private boolean submitted;
  private boolean synced;

  Call(ServerRequest req, ServerResponse res, Map<String, String> params, Principal actor, Deps d) {
    this.req = req;
    this.res = res;
    this.params = params;
    this.actor = actor;
    this.deps = d;
  }

  Deps deps() {
    return deps;
  }

  /** Id of the admin token or admin account that authenticated this request. */
  String actorId() {
    return actor.id();
  }

  /** Who authenticated this request. */
  Principal principal() {
    return actor;
  }

  ServerRequest request() {
    return req;
  }

  ServerResponse response() {
    return res;
  }

  /**
   * Whether this request may read credentials (grant credentials, subscription links, shared server
   * keys): admin and owner tokens; viewer tokens get every resource without them.
   */
  boolean secretsVisible() {
    return actor.role().canWrite();
  }

  /** The {@code {id}} path parameter. */
  String id() {
    return params.get("id");
  }

  /** A path parameter by name ({@code {hwid}}), or null. */
  String param(String name) {
    return params.get(name);
  }

  Instant now() {
    return deps.clock().instant().truncatedTo(ChronoUnit.MILLIS);
  }

  /** Parses and validates the query once; {@code filters} are the allowed filter names. */
  Query query(String... filters) {
    if (query == null) {
      query = Query.parse(req.query(), Set.of(filters));
    }
    return query;
  }

  /** The view to read from: local, or linearizable when {@code ?consistency=linearizable}. */
  State read() {
    return query().linearizable() ? deps.replica().linearizableView() : deps.replica().view();
  }

  /**
   * The view a write is checked against before it is submitted: the local one, or after {@link
   * #syncForRetry} a linearizable one (a Raft ReadIndex).
   */
  State current() {
    return synced ? deps.replica().linearizableView() : deps.replica().view();
  }

  /**
   * Whether {@code e}, thrown by a write's checks, may come from a lagging local view and is worth
   * one more try against a linearizable view: a "not found", "conflict" or "invalid" answer given
   * before anything was submitted or sent, from the local view. A node that just restarted or was
   * cut off must not answer 404 for a user that another node already acknowledged.
   */
  boolean mayRetryLinearizable(RaftrayException e) {
    return !synced
        && !submitted
        && !res.isSent()
        && switch (e.kind()) {
          case NOT_FOUND, CONFLICT, INVALID -> true;
          default -> false;
        };
  }

  /** From now on {@link #current()} reads a linearizable view. */
  void syncForRetry() {
    synced = true;
  }

  /** The request body as a JSON object; 400 when empty, malformed or not an object. */
  ObjectNode body() {
    JsonNode n = parse(readBody());
    if (n == null) {
      throw new RaftrayException(ErrorKind.INVALID, "a JSON object request body is required");
    }
    if (!(n instanceof ObjectNode o)) {
      throw new RaftrayException(ErrorKind.INVALID, "request body must be a JSON object");
    }
    return o;
  }

  /** For actions with optional input: the body as an object, empty when none was sent. */
  ObjectNode optionalBody() {
    JsonNode n = parse(readBody());
    if (n == null) {
      return Json.mapper().createObjectNode();
    }
    if (!(n instanceof ObjectNode o)) {
      throw new RaftrayException(ErrorKind.INVALID, "request body must be a JSON object");
    }
    return o;
  }

  /** For actions that take no input: the body must be empty or {@code {}}. */
  void noBody() {
    JsonNode n = parse(readBody());
    if (n != null && !(n.isObject() && n.isEmpty())) {
      throw new RaftrayException(ErrorKind.INVALID, "this action takes no request body");
    }
  }

  /** The raw request body (bounded like every body; a form login reads it so). */
  byte[] bytes() {
    return readBody();
  }

  private byte[] readBody() {
    if (body == null) {
      body = readBodyOnce();
    }
    return body;
  }

  private byte[] readBodyOnce() {
    long max = deps.settings().maxBodyBytes();
    OptionalLong declared = req.headers().contentLength();
    if (declared.isPresent() && declared.getAsLong() > max) {
      throw tooLarge(max);
    }
    if (!req.content().hasEntity()) {
      return new byte[0];
    }
    // Bound the actual read too: chunked bodies carry no Content-Length.
    try (InputStream in = req.content().inputStream()) {
      byte[] b = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1));
      if (b.length > max) {
        throw tooLarge(max);
      }
      return b;
    } catch (IOException e) {
      throw new RaftrayException(ErrorKind.INVALID, "cannot read request body", e);
    }
  }

  private static RaftrayException tooLarge(long max) {
    return new RaftrayException(
        ErrorKind.TOO_LARGE, "request body is larger than the limit of " + max + " bytes");
  }

  private static JsonNode parse(byte[] body) {
    if (new String(body, StandardCharsets.UTF_8).isBlank()) {
      return null;
    }
    try {
      return READER.readValue(body);
    } catch (JsonProcessingException e) {
      String where =
          e.getLocation() == null
              ? ""
              : " at line "
                  + e.getLocation().getLineNr()
                  + ", column "
                  + e.getLocation().getColumnNr();
      String what =
          e.getOriginalMessage() != null && e.getOriginalMessage().startsWith("Duplicate field")
              ? "duplicate field in JSON"
              : "malformed JSON";
      throw new RaftrayException(ErrorKind.INVALID, what + where);
    } catch (IOException e) {
      throw new RaftrayException(ErrorKind.INVALID, "malformed JSON", e);
    }
  }

  /**
   * Commits a command as this request's actor (its token id), with the token as the proof the
   * leader checks; a rejection becomes a problem.
   */
  State submit(Command command) {
    submitted = true;
    // The bearer goes to the leader with the command, which verifies it (Authority) and logs the
    // command without it.
    return submitAs(actor.id(), actor.credential(), command);
  }

  /**
   * Commits a command in the name of {@code actorId} with {@code credential} as the proof the
   * leader checks (a login's password proof); a rejection becomes a problem.
   */
  State submitAs(String actorId, String credential, Command command) {
    submitted = true;
    Result r = deps.replica().submit(actorId, credential, command);
    if (!r.ok()) {
      throw r.toException();
    }
    return deps.replica().view();
  }

  /** Sends a JSON reply read from {@code view}. */
  void reply(int status, Object json, State view) {
    res.status(status);
    res.header(APPLIED_INDEX, Long.toString(view.appliedIndex()));
    res.header("Content-Type", "application/json");
    res.header("Cache-Control", "no-store");
    try {
      res.send(Json.mapper().writeValueAsBytes(json));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode response", e);
    }
  }

  /**
   * Sends a non-JSON reply read from {@code view}, never cached (it may carry a secret, such as a
   * QR code of a subscription address) and with no rights of its own if opened as a document.
   */
  void replyBytes(int status, String contentType, byte[] body, State view) {
    binaryHeaders(status, contentType, view);
    res.send(body);
  }

  /** A body of a known length that the caller writes: nothing of it is held here. */
  interface BodyWriter {
    void writeTo(OutputStream out) throws IOException;
  }

  /**
   * As {@link #replyBytes}, for a body of {@code length} bytes streamed by {@code body}; a body
   * that fails midway cuts the connection short of its {@code Content-Length}, which the client
   * sees as a truncated answer.
   */
  void replyStream(int status, String contentType, long length, BodyWriter body, State view)
      throws IOException {
    binaryHeaders(status, contentType, view);
    res.headers().contentLength(length);
    try (OutputStream out = new BufferedOutputStream(res.outputStream(), 1 << 16)) {
      body.writeTo(out);
    }
  }

  private void binaryHeaders(int status, String contentType, State view) {
    res.status(status);
    res.header(APPLIED_INDEX, Long.toString(view.appliedIndex()));
    res.header("Content-Type", contentType);
    res.header("Cache-Control", "no-store");
    res.header("Content-Security-Policy", "default-src 'none'; sandbox");
  }

  void noContent(State view) {
    res.status(204);
    res.header(APPLIED_INDEX, Long.toString(view.appliedIndex()));
    res.send();
  }

  /** 404 for a path id that does not exist. */
  static RaftrayException notFound(String what, String id) {
    String shown = id.length() > 64 ? id.substring(0, 64) + "..." : id;
    return new RaftrayException(ErrorKind.NOT_FOUND, what + " " + shown + " not found");
  }
}
