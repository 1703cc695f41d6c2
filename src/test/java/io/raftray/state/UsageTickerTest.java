package io.raftray.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.raftray.model.ErrorKind;
import io.raftray.model.Node;
import io.raftray.model.NodeRole;
import io.raftray.model.NodeStatus;
import io.raftray.model.RaftrayException;
import io.raftray.model.User;
import io.raftray.model.UserStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class UsageTickerTest {
  static final String NODE = "node_a";
  static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

  final AtomicReference<Instant> now = new AtomicReference<>(T0);
  final Clock clock =
      new Clock() {
        @Override
        public ZoneId getZone() {
          return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
          return this;
        }

        @Override
        public Instant instant() {
          return now.get();
        }
      };
  LocalReplica local;
  final AtomicInteger submits = new AtomicInteger();
  volatile String role = "LEADER";
  volatile RuntimeException failWith;
  volatile List<String> members = List.of();

  final Replica replica =
      new Replica() {
        @Override
        public State view() {
          return local.view();
        }

        @Override
        public Result submit(String actor, Command command) {
          submits.incrementAndGet();
          if (failWith != null) {
            throw failWith;
          }
          return local.submit(actor, command);
        }

        @Override
        public State linearizableView() {
          return local.view();
        }

        @Override
        public RaftStatus status() {
          return new RaftStatus(
              NODE, Optional.of(role.equals("LEADER") ? NODE : "node_b"), 2, role, 1, 1, members);
        }
      };

  @BeforeEach
  void setUp() {
    local = new LocalReplica(clock, NODE, State.empty());
    assertThat(local.submit(NODE, Fixtures.bootstrap()).ok()).isTrue();
    User u =
        User.builder()
            .id("usr_1")
            .name("alice")
            .expireAt(T0.plusSeconds(10))
            .subscriptionToken("sub")
            .build();
    assertThat(local.submit(NODE, new Command.CreateUser(u)).ok()).isTrue();
  }

  private UserStatus status() {
    return local.view().users().get("usr_1").status();
  }

  @Test
  void tick_onlyOnTheLeaderAndOnlyWhenDue() {
    UsageTicker t = new UsageTicker(NODE, replica, clock, Duration.ofSeconds(1));
    assertThat(t.tick()).as("nothing due").isFalse();
    now.set(T0.plusSeconds(10));
    role = "FOLLOWER";
    assertThat(t.tick()).isFalse();
    assertThat(submits.get()).isZero();
    role = "LEADER";
    assertThat(t.tick()).isTrue();
    assertThat(status()).isEqualTo(UserStatus.EXPIRED);
    assertThat(local.view().audit().all().getLast().action()).isEqualTo("users.tick");
    assertThat(t.tick()).as("done, not due any more").isFalse();
    assertThat(submits.get()).isEqualTo(1);
  }

  /** Issue 10 item 10: the leader removes a node that joined but never started. */
  @Test
  void leader_expiresJoinsThatNeverCompleted_butNeverARaftMember() {
    assertThat(
            local
                .submit(
                    NODE,
                    new Command.CreateJoinToken(
                        "jtk_1", "ab".repeat(32), 900, 1, NodeRole.VOTER, "tok_owner"))
                .ok())
        .isTrue();
    assertThat(
            local
                .submit(
                    "jtk_1",
                    new Command.CreateJoinRequest(
                        "jrq_1", "jtk_1", "node_j", "j", "https://j:8443", "j", Map.of(), "CSR"))
                .ok())
        .isTrue();
    Node joining =
        new Node(
            "node_j",
            "j",
            "https://j:8443",
            "j",
            Map.of(),
            NodeRole.VOTER,
            NodeStatus.JOINING,
            Map.of(),
            "0j",
            T0.plusSeconds(86400),
            "PEM",
            T0,
            T0,
            false);
    assertThat(local.submit("jtk_1", new Command.AddNode(joining)).ok()).isTrue();
    UsageTicker t = new UsageTicker(NODE, replica, clock, Duration.ofSeconds(1));
    now.set(T0.plusSeconds(899).plus(Duration.ofDays(1)));
    t.tick();
    assertThat(local.view().nodes().get("node_j").status()).isEqualTo(NodeStatus.JOINING);
    now.set(T0.plusSeconds(900).plus(Duration.ofDays(1)));
    members = List.of(NODE, "node_j");
    t.tick();
    assertThat(local.view().nodes().get("node_j").status())
        .as("in the raft configuration: activating, not abandoned")
        .isEqualTo(NodeStatus.JOINING);
    members = List.of(NODE);
    role = "FOLLOWER";
    t.tick();
    assertThat(local.view().nodes().get("node_j").status()).isEqualTo(NodeStatus.JOINING);
    role = "LEADER";
    t.tick();
    assertThat(local.view().nodes().get("node_j").status()).isEqualTo(NodeStatus.REMOVED);
    assertThat(local.view().audit().all()).anyMatch(e -> e.action().equals("node.expire_joining"));
  }

  @Test
  void tick_failure_isRetriedNextRound() {
    UsageTicker t = new UsageTicker(NODE, replica, clock, Duration.ofSeconds(1));
    now.set(T0.plusSeconds(11));
    failWith = new RaftrayException(ErrorKind.UNAVAILABLE, "no leader");
    assertThatThrownBy(t::tick).isInstanceOf(RaftrayException.class);
    assertThat(status()).isEqualTo(UserStatus.ACTIVE);
    failWith = null;
    assertThat(t.tick()).isTrue();
    assertThat(status()).isEqualTo(UserStatus.EXPIRED);
  }

  @Test
  void started_expiresWithinSeconds_closeStops() {
    try (UsageTicker t = new UsageTicker(NODE, replica, clock, Duration.ofMillis(50))) {
      t.start();
      now.set(T0.plusSeconds(10));
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> status() == UserStatus.EXPIRED);
    }
  }
}
