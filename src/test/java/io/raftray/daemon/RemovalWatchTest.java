package io.raftray.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftray.cluster.MemberLookup;
import io.raftray.model.Node;
import io.raftray.model.NodeRole;
import io.raftray.model.NodeStatus;
import io.raftray.state.State;
import io.raftray.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class RemovalWatchTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final AtomicBoolean leader = new AtomicBoolean();
  private final AtomicReference<NodeStatus> myStatus = new AtomicReference<>(NodeStatus.ACTIVE);
  private final AtomicReference<List<MemberLookup.Reply>> replies =
      new AtomicReference<>(List.of());
  private final List<String> asked = new ArrayList<>();
  private final RemovalWatch watch =
      new RemovalWatch(
          "node-2",
          (id, serial, exclude) -> {
            asked.add(id);
            return replies.get();
          },
          this::view,
          leader::get,
          clock);

  private State view() {
    TreeMap<String, Node> nodes = new TreeMap<>();
    Instant t = Instant.parse("2025-12-01T00:00:00Z");
    nodes.put(
        "node-2",
        new Node(
            "node-2",
            "node-2",
            "https://127.0.0.1:2",
            "127.0.0.1",
            Map.of(),
            NodeRole.VOTER,
            myStatus.get(),
            Map.of(),
            "1",
            t,
            null,
            t,
            t));
    return State.builder().nodes(Collections.unmodifiableNavigableMap(nodes)).build();
  }

  private static MemberLookup.Reply refused(String text) {
    return new MemberLookup.Reply("node-1", "edge-1", 403, null, text);
  }

  private static MemberLookup.Reply answer(String status) {
    return new MemberLookup.Reply(
        "node-1",
        "edge-1",
        200,
        new MemberLookup.Answer("node-2", true, status, "1", null, false, 9),
        "ok");
  }

  private void tick(int seconds) {
    for (int i = 0; i < seconds; i++) {
      clock.advance(Duration.ofSeconds(1));
      watch.check();
    }
  }

  @Test
  void withALeader_neverAsks() {
    leader.set(true);
    tick(20);
    assertThat(asked).isEmpty();
    assertThat(watch.notice()).isEmpty();
  }

  @Test
  void leaderless_asksAfterThreeSeconds_andA403AsRemovedSettlesIt() {
    replies.set(
        List.of(
            new MemberLookup.Reply("node-3", "edge-3", 0, null, "no answer"),
            refused("cluster request not accepted: node was removed")));
    watch.check();
    tick(2);
    assertThat(asked).isEmpty();
    tick(2);
    assertThat(asked).containsExactly("node-2");
    assertThat(watch.notice())
        .hasValueSatisfying(
            r ->
                assertThat(r)
                    .startsWith("this node was removed from the cluster while it was down")
                    .contains("edge-1"));
    tick(20);
    assertThat(asked).hasSize(1);
  }

  @Test
  void answerThatItIsActive_orAnotherRefusal_changesNothing_andAsksAgainOnlyEveryFiveSeconds() {
    replies.set(List.of(answer("active")));
    tick(4);
    assertThat(asked).hasSize(1);
    tick(4);
    assertThat(asked).hasSize(1);
    tick(1);
    assertThat(asked).hasSize(2);
    replies.set(List.of(refused("cluster request not accepted: certificate was revoked")));
    tick(5);
    assertThat(watch.notice()).isEmpty();
    replies.set(List.of(answer("removed")));
    tick(5);
    assertThat(watch.notice()).hasValueSatisfying(r -> assertThat(r).contains("says removed"));
  }

  @Test
  void joiningOrRemovedInItsOwnView_neverAsks() {
    myStatus.set(NodeStatus.JOINING);
    tick(10);
    myStatus.set(NodeStatus.REMOVED);
    tick(10);
    assertThat(asked).isEmpty();
  }
}
