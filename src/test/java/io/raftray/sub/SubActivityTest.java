package io.raftray.sub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.raftray.model.AdminToken;
import io.raftray.model.ErrorKind;
import io.raftray.model.RaftrayException;
import io.raftray.model.Role;
import io.raftray.model.User;
import io.raftray.state.Command;
import io.raftray.state.LocalReplica;
import io.raftray.state.Replica;
import io.raftray.state.Result;
import io.raftray.state.State;
import io.raftray.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link SubActivity} alone: batching, admission with pending devices, and failed commits. */
@Timeout(30)
class SubActivityTest {
  static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

  final MutableClock clock = new MutableClock(T0);
  final LocalReplica local = new LocalReplica(clock, "node_a", State.empty());
  final AtomicBoolean down = new AtomicBoolean();
  final List<Command> submitted = new ArrayList<>();

  /** The local replica, or UNAVAILABLE while {@link #down}. */
  final Replica replica =
      new Replica() {
        @Override
        public State view() {
          return local.view();
        }

        @Override
        public Result submit(String actor, Command command) {
          if (down.get()) {
            throw new RaftrayException(ErrorKind.UNAVAILABLE, "no leader");
          }
          submitted.add(command);
          return local.submit(actor, command);
        }

        @Override
        public State linearizableView() {
          return local.view();
        }

        @Override
        public RaftStatus status() {
          return local.status();
        }
      };

  User user(int limit) {
    local.submit(
        "tok",
        new Command.Bootstrap(
            "c",
            "CA",
            SubFixture.node("node_a", "alpha", "a.example"),
            new AdminToken("tok", "owner", Role.OWNER, "ab", T0, false)));
    User u =
        User.builder()
            .id("usr_1")
            .name("alice")
            .subscriptionToken("t".repeat(32))
            .created(T0)
            .hwidDeviceLimit(limit)
            .build();
    assertThat(local.submit("tok", new Command.CreateUser(u)).ok()).isTrue();
    return local.view().users().get("usr_1");
  }

  static SubActivity.Client client(String hwid) {
    return new SubActivity.Client(hwid, "Android", "14", "Pixel", "Happ/3.1");
  }

  @Test
  void manyFetches_oneEntry_andPendingDevicesCountUntilTheirBatchApplied() {
    User u = user(2);
    SubActivity a = new SubActivity("node_a", replica, Duration.ofSeconds(10));
    for (int i = 0; i < 50; i++) {
      a.fetched(u, "Happ/3.1", clock.instant());
    }
    State s = local.view();
    assertThat(a.admit(s, u, client("d1"), T0)).isEqualTo(SubActivity.Admission.NEW);
    assertThat(a.admit(s, u, client("d1"), T0)).isEqualTo(SubActivity.Admission.NEW);
    assertThat(a.admit(s, u, client("d2"), T0)).isEqualTo(SubActivity.Admission.NEW);
    assertThat(a.admit(s, u, client("d3"), T0)).isEqualTo(SubActivity.Admission.REFUSED);
    assertThat(a.flush()).isTrue();
    assertThat(submitted).hasSize(1);
    Command.SubscriptionActivity batch = (Command.SubscriptionActivity) submitted.get(0);
    assertThat(batch.fetches()).hasSize(1);
    assertThat(batch.devices()).extracting(Command.DeviceSeen::hwid).containsExactly("d1", "d2");
    s = local.view();
    assertThat(a.admit(s, u, client("d1"), T0)).isEqualTo(SubActivity.Admission.KNOWN);
    assertThat(a.admit(s, u, client("d3"), T0)).isEqualTo(SubActivity.Admission.REFUSED);
  }

  @Test
  void aBatchThatCannotCommit_isKept_andItsDevicesStayCounted() {
    User u = user(1);
    SubActivity a = new SubActivity("node_a", replica, Duration.ofSeconds(10));
    a.fetched(u, "Happ/3.1", T0);
    assertThat(a.admit(local.view(), u, client("d1"), T0)).isEqualTo(SubActivity.Admission.NEW);
    down.set(true);
    assertThatThrownBy(a::flush).isInstanceOf(RaftrayException.class);
    // Still pending here: a second new device is refused.
    assertThat(a.admit(local.view(), u, client("d2"), T0)).isEqualTo(SubActivity.Admission.REFUSED);
    down.set(false);
    assertThat(a.flush()).isTrue();
    assertThat(local.view().devices("usr_1")).containsOnlyKeys("d1");
    assertThat(local.view().users().get("usr_1").subLastUserAgent()).isEqualTo("Happ/3.1");
    assertThat(a.flush()).isFalse();
  }
}
