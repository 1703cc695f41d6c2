package io.raftray.xray;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftray.model.AdminToken;
import io.raftray.model.Endpoint;
import io.raftray.model.Grant;
import io.raftray.model.Group;
import io.raftray.model.GroupSelector;
import io.raftray.model.Node;
import io.raftray.model.NodeRole;
import io.raftray.model.NodeStatus;
import io.raftray.model.Protocol;
import io.raftray.model.Role;
import io.raftray.model.Security;
import io.raftray.model.Transport;
import io.raftray.model.User;
import io.raftray.model.UserCredentials;
import io.raftray.state.Command;
import io.raftray.state.CommandEnvelope;
import io.raftray.state.State;
import io.raftray.state.Store;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Group members become users of every inbound their groups select, with their own credentials. */
@Timeout(10)
class DesiredGroupsTest {
  static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
  static final UserCredentials CREDS =
      new UserCredentials(
          "11111111-1111-4111-8111-111111111111",
          "22222222-2222-4222-8222-222222222222",
          "trojan-pass-1",
          "MTIzNDU2Nzg5MGFiY2RlZjEyMzQ1Njc4OTBhYmNkZWY=");

  private State s = State.empty();
  private long index;

  private void run(Command c) {
    Store.Applied a =
        Store.apply(s, CommandEnvelope.of("tok", c).stampedAt(T0.plusSeconds(index)), ++index);
    assertThat(a.result().ok()).as(a.result().toString()).isTrue();
    s = a.state();
  }

  private static Node node(String id, Map<String, String> labels) {
    return new Node(
        id,
        id,
        "https://" + id,
        id + ".example",
        labels,
        NodeRole.VOTER,
        NodeStatus.ACTIVE,
        Map.of(),
        "01",
        T0.plusSeconds(86_400),
        "PEM",
        T0,
        T0);
  }

  private static Endpoint endpoint(
      String id, String node, Protocol p, int port, Map<String, Object> settings) {
    return new Endpoint(
        id,
        node,
        id.replace("ep_", "t"),
        p,
        port,
        Transport.TCP,
        Security.NONE,
        settings,
        Map.of(),
        true,
        T0,
        T0,
        Map.of());
  }

  private Map<String, String> users(String node, String tag) {
    Desired.Inbound in = Desired.of(s, node).get(tag);
    return in == null
        ? Map.of()
        : in.users().entrySet().stream()
            .collect(
                java.util.stream.Collectors.toMap(
                    Map.Entry::getKey, e -> e.getValue().credential()));
  }

  @Test
  void groupMembers_areServedOnSelectedEndpoints_untilTheyLeave() {
    run(
        new Command.Bootstrap(
            "c",
            "CA",
            node("node_a", Map.of("region", "eu")),
            new AdminToken("tok", "o", Role.OWNER, "h", T0, false)));
    run(new Command.AddNode(node("node_c", Map.of("region", "us"))));
    run(new Command.CreateEndpoint(endpoint("ep_a", "node_a", Protocol.VMESS, 1001, Map.of())));
    run(
        new Command.CreateEndpoint(
            endpoint(
                "ep_s",
                "node_a",
                Protocol.SHADOWSOCKS,
                1002,
                Map.of("method", "2022-blake3-aes-128-gcm", "server_key", "x"))));
    run(
        new Command.CreateGroup(
            new Group(
                "grp_eu",
                "eu",
                "",
                List.of(),
                new GroupSelector(null, Map.of("region", "eu"), null),
                null,
                null)));
    User u =
        User.builder()
            .id("usr_1")
            .name("a")
            .subscriptionToken("s1")
            .credentials(CREDS)
            .groupIds(List.of("grp_eu"))
            .build();
    run(new Command.CreateUser(u));
    User old =
        User.builder()
            .id("usr_old")
            .name("old")
            .subscriptionToken("s2")
            .groupIds(List.of("grp_eu"))
            .build();
    run(new Command.CreateUser(old));

    assertThat(users("node_a", "ta")).containsExactly(Map.entry("usr_1.ep_a", CREDS.vmessUuid()));
    // the 16-byte cipher gets a key derived from the 32-byte password
    assertThat(users("node_a", "ts").get("usr_1.ep_s"))
        .isEqualTo(CREDS.shadowsocksKey("2022-blake3-aes-128-gcm"))
        .hasSize(24);
    assertThat(Desired.of(s, "node_c")).isEmpty();

    // a new endpoint on node_c: not selected until node_c carries the label; no user is written
    run(new Command.CreateEndpoint(endpoint("ep_c", "node_c", Protocol.VMESS, 1003, Map.of())));
    assertThat(users("node_c", "tc")).isEmpty();
    NavigableMap<String, User> before = s.users();
    run(new Command.UpdateNode("node_c", null, null, Map.of("region", "eu")));
    assertThat(s.users()).isSameAs(before);
    assertThat(users("node_c", "tc")).containsOnlyKeys("usr_1.ep_c");

    // a grant on the same endpoint wins, with its own credential
    run(
        new Command.CreateGrant(
            new Grant(
                "grt_1", "usr_1", "ep_c", "33333333-3333-4333-8333-333333333333", true, T0, T0)));
    assertThat(users("node_c", "tc"))
        .containsExactly(Map.entry("usr_1.grt_1", "33333333-3333-4333-8333-333333333333"));
    run(new Command.DeleteGrant("grt_1"));

    // leaving the group removes the user from every node's inbounds
    run(Command.UpdateUser.of("usr_1").groupIds(List.of()).build());
    assertThat(users("node_a", "ta")).isEmpty();
    assertThat(users("node_c", "tc")).isEmpty();
  }
}
