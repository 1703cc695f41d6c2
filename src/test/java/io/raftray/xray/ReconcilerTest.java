package io.raftray.xray;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.raftray.state.State;
import io.raftray.testing.MutableClock;
import io.raftray.xray.XrayApiException.Kind;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The reconciler's thread, schedule and status against in-memory cores; the clock stands still, so
 * only events start rounds (no periodic resync, no backoff ends).
 */
@Timeout(30)
class ReconcilerTest {
  static final Duration WAIT = Duration.ofSeconds(10);

  final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
  final AtomicReference<State> view = new AtomicReference<>(XrayFixtures.state());
  final Reconciler reconciler = new Reconciler("node_a", view::get, Duration.ofMinutes(5), clock);

  @AfterEach
  void close() {
    reconciler.close();
  }

  @Test
  void status_beforeAnyCore_isNoCore() {
    reconciler.start();
    assertThat(reconciler.status().state()).isEqualTo(ReconcileState.NO_CORE);
    assertThat(reconciler.status().state().wire()).isEqualTo("no_core");
  }

  @Test
  void coreReady_putsEveryDesiredInboundAndUserIntoTheCore() {
    FakeCore core = new FakeCore(Flavor.XRAY);
    reconciler.start();
    reconciler.coreReady(1, core);
    awaitState(ReconcileState.OK);
    Reconciler.Status s = reconciler.status();
    assertThat(s.state().wire()).isEqualTo("ok");
    assertThat(s.generation()).isEqualTo(1);
    assertThat(s.inbounds()).isEqualTo(6);
    assertThat(s.users()).isEqualTo(6);
    assertThat(s.lastSuccessAt()).isEqualTo(clock.instant());
    assertThat(core.inbounds().keySet())
        .containsExactlyInAnyOrder(
            Desired.of(view.get(), "node_a").keySet().toArray(String[]::new));

    view.set(XrayFixtures.state(e -> !e.tag().equals("ss-aes")));
    reconciler.stateChanged();
    await().atMost(WAIT).until(() -> reconciler.status().inbounds() == 5);
    assertThat(core.inbounds()).doesNotContainKey("ss-aes");
  }

  @Test
  void refusedInbound_isReported_whileTheOthersRun() {
    FakeCore core = new FakeCore(Flavor.XRAY);
    core.refuseAdd("vmess-ws-tls", Kind.REJECTED);
    reconciler.start();
    reconciler.coreReady(1, core);
    awaitState(ReconcileState.FAILING);
    Reconciler.Status s = reconciler.status();
    assertThat(s.state().wire()).isEqualTo("failing");
    assertThat(s.lastError()).isEqualTo("inbound vmess-ws-tls: refused vmess-ws-tls");
    assertThat(s.failingInbounds()).isEqualTo(1);
    assertThat(s.inbounds()).isEqualTo(5);
    assertThat(s.failures()).isEqualTo(1);
  }

  @Test
  void aNewCore_isReconciledAtOnce_evenDuringTheBackoffOfTheLastOne() {
    FakeCore gone = new FakeCore(Flavor.XRAY);
    gone.failEveryCall(Kind.UNAVAILABLE);
    reconciler.start();
    reconciler.coreReady(1, gone);
    awaitState(ReconcileState.FAILING);
    assertThat(reconciler.status().lastError()).startsWith("core unavailable: ");

    FakeCore next = new FakeCore(Flavor.XRAY);
    reconciler.coreReady(2, next);
    await()
        .atMost(WAIT)
        .until(
            () ->
                reconciler.status().state() == ReconcileState.OK
                    && reconciler.status().generation() == 2);
    assertThat(next.inbounds()).hasSize(6);
  }

  private void awaitState(ReconcileState want) {
    await().atMost(WAIT).until(() -> reconciler.status().state() == want);
  }
}
