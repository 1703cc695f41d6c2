package io.raftray.state;

import io.raftray.model.AdminToken;
import io.raftray.model.Endpoint;
import io.raftray.model.Grant;
import io.raftray.model.Node;
import io.raftray.model.NodeRole;
import io.raftray.model.NodeStatus;
import io.raftray.model.Protocol;
import io.raftray.model.Role;
import io.raftray.model.Security;
import io.raftray.model.Transport;
import io.raftray.model.User;
import java.time.Instant;
import java.util.Map;

/** Builders for test commands; values are fixed so that replays are comparable. */
final class Fixtures {
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private Fixtures() {}

  static Command.Bootstrap bootstrap() {
    AdminToken owner = new AdminToken("tok_owner", "owner", Role.OWNER, "ab", T0, false);
    return new Command.Bootstrap("cluster-1", "CA-PEM", node("node_a"), owner);
  }

  /** An active voter record named after its id without the {@code node_} prefix. */
  static Node node(String id) {
    String name = id.replace("node_", "");
    return new Node(
        id,
        name,
        id.equals("node_a") ? "https://127.0.0.1:8443" : "https://" + name + ".example:8443",
        name + ".example",
        Map.of(),
        NodeRole.VOTER,
        NodeStatus.ACTIVE,
        Map.of(),
        "01",
        T0.plusSeconds(86400),
        "PEM",
        T0,
        T0);
  }

  static User user(String id, String name, long limit) {
    return User.builder()
        .id(id)
        .name(name)
        .dataLimitBytes(limit)
        .subscriptionToken("sub-" + id)
        .build();
  }

  static Endpoint endpoint(String id, int port) {
    return endpoint(id, "node_a", port);
  }

  static Endpoint endpoint(String id, String nodeId, int port) {
    return new Endpoint(
        id,
        nodeId,
        "vless-" + port,
        Protocol.VLESS,
        port,
        Transport.TCP,
        Security.NONE,
        Map.of(),
        Map.of(),
        true,
        T0,
        T0);
  }

  static Grant grant(String id, String user, String endpoint) {
    return new Grant(id, user, endpoint, "cred-" + id, true, T0, T0);
  }

  static CommandEnvelope env(Command c, Instant at) {
    return new CommandEnvelope(CommandEnvelope.SCHEMA, at, "tok_owner", c);
  }
}
