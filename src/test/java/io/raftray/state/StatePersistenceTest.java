package io.raftray.state;

import static io.raftray.state.Fixtures.T0;
import static io.raftray.state.Fixtures.bootstrap;
import static io.raftray.state.Fixtures.endpoint;
import static io.raftray.state.Fixtures.env;
import static io.raftray.state.Fixtures.grant;
import static io.raftray.state.Fixtures.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.raftray.model.BulkAction;
import io.raftray.model.Group;
import io.raftray.model.User;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.pcollections.PSortedMap;

/**
 * The state's persistent maps: a write shares what it does not touch and never changes an older
 * view; the indexes kept per write equal the ones derived from the users; and replicas that apply
 * the same entries, whatever their history (from the start or from a snapshot), write the same
 * snapshot bytes and digest, equal to those of the same content held in plain sorted maps.
 */
@Timeout(60)
class StatePersistenceTest {

  /** A deterministic mixed workload: users, batches, groups, bulk actions, usage, deletes. */
  static List<CommandEnvelope> workload(int users) {
    List<Command> c = new ArrayList<>();
    c.add(bootstrap());
    c.add(new Command.CreateEndpoint(endpoint("ep_1", 443)));
    c.add(new Command.CreateGroup(new Group("grp_a", "a", "", List.of("ep_1"), null, null, null)));
    c.add(new Command.CreateGroup(new Group("grp_b", "b", "", List.of(), null, null, null)));
    Random r = new Random(42);
    List<User> batch = new ArrayList<>();
    for (int i = 0; i < users; i++) {
      // ids inserted out of order: iteration must still be sorted
      String id = String.format("usr_%05d", (i * 7919) % users);
      User u = user(id, "name-" + id, i % 3 == 0 ? 1000 : 0);
      if (i % 4 == 0) {
        u = u.toBuilder().groupIds(List.of(i % 8 == 0 ? "grp_a" : "grp_b")).build();
      }
      if (i % 5 == 0) {
        c.add(new Command.CreateUser(u));
      } else {
        batch.add(u);
        if (batch.size() == 50) {
          c.add(new Command.CreateUsers(List.copyOf(batch)));
          batch.clear();
        }
      }
    }
    if (!batch.isEmpty()) {
      c.add(new Command.CreateUsers(List.copyOf(batch)));
    }
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < users; i++) {
      ids.add(String.format("usr_%05d", i));
    }
    c.add(new Command.CreateGrant(grant("gnt_1", ids.get(1), "ep_1")));
    c.add(new Command.CreateGrant(grant("gnt_2", ids.get(2), "ep_1")));
    c.add(
        new Command.BulkUsers(
            BulkAction.ADD_GROUPS, ids.subList(0, users / 2), null, List.of(), List.of("grp_b")));
    c.add(
        new Command.BulkUsers(
            BulkAction.REMOVE_GROUPS,
            ids.subList(users / 4, users),
            null,
            List.of(),
            List.of("grp_a")));
    for (int seq = 1; seq <= 5; seq++) {
      List<Command.UsageDelta> d = new ArrayList<>();
      for (int k = 0; k < 20; k++) {
        d.add(new Command.UsageDelta(ids.get(r.nextInt(users)), r.nextInt(500), r.nextInt(500)));
      }
      c.add(new Command.UsageReport("node_a", seq, d, true));
    }
    c.add(new Command.RotateSubscription(ids.get(3), "sub-rotated-3"));
    c.add(new Command.DeleteUser(ids.get(1)));
    c.add(
        new Command.BulkUsers(BulkAction.DELETE, ids.subList(10, 20), null, List.of(), List.of()));
    c.add(new Command.DeleteGroup("grp_b"));
    List<CommandEnvelope> out = new ArrayList<>();
    for (int i = 0; i < c.size(); i++) {
      out.add(env(c.get(i), T0.plusSeconds(i)));
    }
    return out;
  }

  private static State replay(State from, List<CommandEnvelope> envs, int startIndex) {
    State s = from;
    for (int i = 0; i < envs.size(); i++) {
      Store.Applied a = Store.apply(s, envs.get(i), startIndex + i);
      assertThat(a.result().ok()).as("entry %d: %s", startIndex + i, a.result()).isTrue();
      s = a.state();
    }
    return s;
  }

  @Test
  void twoReplicas_andOneFromASnapshot_writeTheSameBytesAndDigest() throws IOException {
    List<CommandEnvelope> w = workload(400);
    State a = replay(State.empty(), w, 1);
    State b = replay(State.empty(), w, 1);

    int half = w.size() / 2;
    State first = replay(State.empty(), w.subList(0, half), 1);
    State restored = SnapshotCodec.decode(SnapshotCodec.encode(first));
    State c = replay(restored, w.subList(half, w.size()), half + 1);

    byte[] bytes = SnapshotCodec.encode(a);
    assertThat(SnapshotCodec.encode(b)).isEqualTo(bytes);
    assertThat(SnapshotCodec.encode(c)).isEqualTo(bytes);
    assertThat(SnapshotCodec.digest(b)).isEqualTo(SnapshotCodec.digest(a));
    assertThat(SnapshotCodec.digest(c)).isEqualTo(SnapshotCodec.digest(a));
    // the snapshot round trip reads back the same bytes
    assertThat(SnapshotCodec.encode(SnapshotCodec.decode(bytes))).isEqualTo(bytes);
    assertThat(a.users()).hasSize(400 - 11);
  }

  @Test
  void sameContentInPlainSortedMaps_encodesToTheSameBytes() throws IOException {
    State a = replay(State.empty(), workload(200), 1);
    State plain =
        a.toBuilder()
            .users(new TreeMap<>(a.users()))
            .grants(new TreeMap<>(a.grants()))
            .groups(new TreeMap<>(a.groups()))
            .nodeUsage(new TreeMap<>(a.nodeUsage()))
            .build();
    assertThat(SnapshotCodec.encode(plain)).isEqualTo(SnapshotCodec.encode(a));
    assertThat(List.copyOf(a.users().keySet()))
        .isEqualTo(List.copyOf(new TreeSet<>(a.users().keySet())));
  }

  @Test
  void indexesKeptPerWrite_equalTheOnesDerivedFromTheUsers() {
    State s = State.empty();
    int i = 1;
    for (CommandEnvelope e : workload(300)) {
      s = Store.apply(s, e, i++).state();
      State derived = State.builder().users(s.users()).build();
      assertThat(s.groupMembers()).isEqualTo(derived.groupMembers());
      assertThat(s.userIdByName()).isEqualTo(derived.userIdByName());
      assertThat(s.userIdBySubscriptionToken()).isEqualTo(derived.userIdBySubscriptionToken());
    }
    assertThat(s.membersOf("grp_a")).isNotEmpty();
  }

  @Test
  void aWrite_leavesTheOlderViewAsItWas_andSharesWhatItDidNotTouch() throws IOException {
    State before = replay(State.empty(), workload(100), 1);
    byte[] bytesBefore = SnapshotCodec.encode(before);
    Map<String, User> usersBefore = new TreeMap<>(before.users());

    User u = user("usr_new", "new", 0).toBuilder().groupIds(List.of("grp_a")).build();
    State after =
        Store.apply(before, env(new Command.CreateUser(u), T0.plusSeconds(9999)), 9999).state();

    assertThat(after.users()).containsKey("usr_new");
    assertThat(after.membersOf("grp_a")).contains("usr_new");
    assertThat(before.users()).doesNotContainKey("usr_new").isEqualTo(usersBefore);
    assertThat(before.membersOf("grp_a")).doesNotContain("usr_new");
    assertThat(before.userIdByName()).doesNotContainKey("new");
    assertThat(SnapshotCodec.encode(before)).isEqualTo(bytesBefore);
    // untouched collections are the same objects; the user map is a persistent tree
    assertThat(after.grants()).isSameAs(before.grants());
    assertThat(after.endpoints()).isSameAs(before.endpoints());
    assertThat(after.nodeUsage()).isSameAs(before.nodeUsage());
    assertThat(after.users()).isInstanceOf(PSortedMap.class);
    assertThat(State.index(after.userIdByName())).isInstanceOf(PSortedMap.class);
  }

  @Test
  void publishedMaps_cannotBeModified() {
    State s = replay(State.empty(), workload(20), 1);
    assertThatThrownBy(() -> s.users().put("x", s.users().firstEntry().getValue()))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> s.users().remove(s.users().firstKey()))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> s.userIdByName().clear())
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> s.membersOf("grp_a").add("x"))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> s.users().headMap(s.users().lastKey()).clear())
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void indexes_answerANullKeyLikeTheHashMapsTheyReplace() {
    State s = replay(State.empty(), workload(20), 1);
    assertThat(s.userIdByName().containsKey(null)).isFalse();
    assertThat(s.userIdBySubscriptionToken().get(null)).isNull();
    assertThat(State.empty().userIdByName().containsKey(null)).isFalse();
  }

  @Test
  void helpers_behaveLikeASortedMap() {
    TreeMap<String, Integer> ref = new TreeMap<>();
    var m = State.<Integer>sorted(Map.of());
    Random r = new Random(7);
    for (int i = 0; i < 2000; i++) {
      String k = "k" + r.nextInt(300);
      if (r.nextInt(3) == 0) {
        ref.remove(k);
        m = State.without(m, k);
      } else {
        ref.put(k, i);
        m = State.with(m, k, i);
      }
      assertThat(m.size()).isEqualTo(ref.size());
    }
    assertThat(m).isEqualTo(ref);
    assertThat(List.copyOf(m.entrySet())).isEqualTo(List.copyOf(ref.entrySet()));
    assertThat(m.firstKey()).isEqualTo(ref.firstKey());
    assertThat(m.ceilingKey("k150")).isEqualTo(ref.ceilingKey("k150"));
    assertThat(List.copyOf(m.descendingMap().keySet()))
        .isEqualTo(List.copyOf(ref.descendingMap().keySet()));
    assertThat(m.subMap("k100", true, "k200", false))
        .isEqualTo(ref.subMap("k100", true, "k200", false));
    assertThat(m.hashCode()).isEqualTo(ref.hashCode());
  }
}
