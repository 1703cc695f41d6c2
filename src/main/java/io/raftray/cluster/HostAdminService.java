package io.raftray.cluster;

import com.fasterxml.jackson.databind.DeserializationFeature;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.raftray.http.Mount;
import io.raftray.http.Problems;
import io.raftray.model.Admin;
import io.raftray.model.ErrorKind;
import io.raftray.model.Ids;
import io.raftray.model.Json;
import io.raftray.model.RaftrayException;
import io.raftray.model.Role;
import io.raftray.state.Command;
import io.raftray.state.Replica;
import io.raftray.state.Result;
import io.raftray.state.State;
import java.io.IOException;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * {@code POST /host-admin} (mounted at {@code /cluster/v1}): the lost-password path. {@code raftray
 * admin create} and {@code reset-password}, run on a host with the data directory, sign the request
 * with this node's own private key (so it proves access to the data directory, not an API token)
 * and send the already hashed password; this node submits {@code admin.host_set} in its own name.
 * The leader accepts that only from a CA holder ({@code state/Authority}, origin {@code HOST}). Any
 * other member's signature is refused here.
 */
public final class HostAdminService implements HttpService {
  public static final String ROUTE = Mount.HOST_ADMIN.path() + "/host-admin";
  static final int MAX_BODY = 4 * 1024;
  private static final Pattern USERNAME = Pattern.compile("[a-z0-9][a-z0-9._-]{2,31}");

  /** The request: {@code role} null on a reset keeps the role. */
  public record Request(String username, String role, String passwordHash, boolean reset) {
    @Override
    public String toString() {
      return "Request[username=" + username + ", reset=" + reset + "]";
    }
  }

  private final ClusterAuth auth;
  private final Replica replica;
  private final Clock clock;
  private final String localNodeId;
  private final BodyGate gate = new BodyGate("host admin request", MAX_BODY, 4L * MAX_BODY, 4);

  public HostAdminService(ClusterAuth auth, Replica replica, Clock clock, String localNodeId) {
    this.auth = Objects.requireNonNull(auth, "auth");
    this.replica = Objects.requireNonNull(replica, "replica");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.localNodeId = Objects.requireNonNull(localNodeId, "localNodeId");
  }

  @Override
  public void routing(HttpRules rules) {
    rules.post("/host-admin", this::handle);
  }

  private void handle(ServerRequest req, ServerResponse res) {
    try (BodyGate.Permit permit = gate.admit(req)) {
      handle(req, res, permit.read(req));
    } catch (BodyGate.Refused e) {
      RaftHttpService.refuse(res, e);
    }
  }

  private void handle(ServerRequest req, ServerResponse res, byte[] body) {
    ClusterAuth.Outcome outcome = auth.verifyKnown(ClusterAuth.Request.of(req, ROUTE, body));
    if (!outcome.accepted()) {
      Problems.sendText(
          res, outcome.verdict().kind, "cluster request not accepted: " + outcome.reason());
      return;
    }
    if (!localNodeId.equals(outcome.nodeId())) {
      Problems.sendText(
          res, ErrorKind.FORBIDDEN, "only this node's own key (its data directory) may do this");
      return;
    }
    Request r;
    try {
      r =
          Json.mapper()
              .readerFor(Request.class)
              .with(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
              .readValue(body);
    } catch (IOException e) {
      Problems.sendText(res, ErrorKind.INVALID, "malformed host admin request");
      return;
    }
    try {
      Admin a = admin(r);
      Result result = replica.submit(localNodeId, new Command.HostSetAdmin(a, r.reset()));
      if (!result.ok()) {
        throw result.toException();
      }
      State after = replica.view();
      Admin stored = after.admins().get(result.targetId());
      byte[] answer =
          Json.mapper()
              .writeValueAsBytes(
                  Map.of(
                      "id", stored.id(),
                      "username", stored.username(),
                      "role", stored.role().name().toLowerCase(Locale.ROOT)));
      res.status(Status.OK_200)
          .header(HeaderNames.CONTENT_TYPE, "application/json")
          .header(HeaderNames.CACHE_CONTROL, "no-store")
          .send(answer);
    } catch (RaftrayException e) {
      Problems.sendText(res, e.kind(), e.getMessage());
    } catch (IOException e) {
      Problems.sendText(res, ErrorKind.INTERNAL, "cannot encode the answer");
    }
  }

  private Admin admin(Request r) {
    if (r == null || r.username() == null || !USERNAME.matcher(r.username()).matches()) {
      throw new RaftrayException(
          ErrorKind.INVALID,
          "username must be 3-32 characters of a-z, 0-9, '.', '_', '-', starting with a letter or"
              + " digit");
    }
    if (r.passwordHash() == null
        || !r.passwordHash().startsWith("$argon2id$")
        || r.passwordHash().length() > 256) {
      throw new RaftrayException(ErrorKind.INVALID, "password_hash must be an argon2id string");
    }
    Role role = Role.OWNER;
    if (r.role() != null) {
      try {
        role = Role.valueOf(r.role().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new RaftrayException(ErrorKind.INVALID, "role must be owner, admin or viewer");
      }
    }
    java.time.Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    return Admin.create(
        Ids.newId("adm", now.toEpochMilli()), r.username(), role, r.passwordHash(), now, r.reset());
  }
}
