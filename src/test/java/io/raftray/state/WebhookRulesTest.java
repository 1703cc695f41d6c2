package io.raftray.state;

import static io.raftray.state.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.raftray.model.ErrorKind;
import io.raftray.model.UserStatus;
import io.raftray.model.Webhook;
import io.raftray.model.WebhookDelivery;
import io.raftray.model.WebhookEvent;
import io.raftray.state.Command.ObservedEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The outbox rules, replayed through {@link Store#apply} as every replica does. */
@Timeout(20)
class WebhookRulesTest {
  private static final String SECRET = "0123456789abcdef0123";
  private State state = State.empty();
  private long index;

  private Result run(Command c) {
    Store.Applied a = Store.apply(state, env(c, T0.plusSeconds(index)), ++index);
    state = a.state();
    return a.result();
  }

  private static Webhook hook(String id, String url, List<String> events, boolean enabled) {
    return new Webhook(id, url, SECRET, events, enabled, T0, T0, 0, 0, List.of());
  }

  private List<String> types() {
    return state.webhooks().outbox().values().stream().map(WebhookEvent::type).toList();
  }

  @BeforeEach
  void boot() {
    run(bootstrap());
  }

  @Test
  void noWebhook_makesNoEvent_andUsesNoSequenceNumber() {
    run(new Command.CreateUser(user("usr_1", "alice", 0)));
    assertThat(state.webhooks().outbox()).isEmpty();
    assertThat(state.webhooks().lastSeq()).isZero();
  }

  @Test
  void userLifecycle_makesEventsInLogOrder_withTargetsAndIds() {
    run(new Command.CreateWebhook(hook("whk_a", "https://a.example/h", List.of(), true)));
    run(
        new Command.CreateWebhook(
            hook("whk_b", "https://b.example/h", List.of("user.deleted"), true)));
    run(new Command.CreateUser(user("usr_1", "alice", 0)));
    run(Command.UpdateUser.of("usr_1").status(UserStatus.DISABLED).build());
    run(Command.UpdateUser.of("usr_1").status(UserStatus.ACTIVE).build());
    run(new Command.ResetUsage("usr_1"));
    run(new Command.RotateSubscription("usr_1", "sub-new"));
    run(new Command.DeleteUser("usr_1"));

    assertThat(types())
        .containsExactly(
            "user.created",
            "user.updated",
            "user.disabled",
            "user.updated",
            "user.enabled",
            "user.reset",
            "user.rotated",
            "user.deleted");
    List<WebhookEvent> events = List.copyOf(state.webhooks().outbox().values());
    for (int i = 0; i < events.size(); i++) {
      assertThat(events.get(i).seq()).isEqualTo(i + 1);
      assertThat(events.get(i).id()).isEqualTo("evt_" + (i + 1));
    }
    assertThat(events.getLast().targets()).containsExactly("whk_a", "whk_b");
    assertThat(events.getFirst().targets()).containsExactly("whk_a");
    assertThat(events.getLast().data()).containsEntry("username", "alice");
    assertThat(events.getLast().data().toString())
        .doesNotContain("sub-new")
        .doesNotContain("sub-usr_1");
  }

  @Test
  void disabledWebhook_getsNothing_andFilterIsKept() {
    run(
        new Command.CreateWebhook(
            hook("whk_a", "https://a.example/h", List.of("user.deleted"), true)));
    run(new Command.CreateWebhook(hook("whk_off", "https://b.example/h", List.of(), false)));
    run(new Command.CreateUser(user("usr_1", "alice", 0)));
    assertThat(state.webhooks().outbox()).isEmpty();
    run(new Command.DeleteUser("usr_1"));
    assertThat(types()).containsExactly("user.deleted");
  }

  @Test
  void ack_movesForwardOnly_logsAttempts_andPrunesWhatEveryTargetHas() {
    run(new Command.CreateWebhook(hook("whk_a", "https://a.example/h", List.of(), true)));
    run(new Command.CreateWebhook(hook("whk_b", "https://b.example/h", List.of(), true)));
    for (int i = 1; i <= 4; i++) {
      run(new Command.CreateUser(user("usr_" + i, "u" + i, 0)));
    }
    WebhookDelivery d =
        new WebhookDelivery(3, "evt_3", "user.created", T0, 1, 200, "delivered", null, 5);
    Result r =
        run(new Command.AckWebhooks(List.of(new Command.WebhookAck("whk_a", 3, List.of(d)))));
    assertThat(r.ok()).isTrue();
    assertThat(state.webhooks().hooks().get("whk_a").deliveredSeq()).isEqualTo(3);
    assertThat(state.webhooks().outbox()).hasSize(4); // whk_b still owed all of them
    run(new Command.AckWebhooks(List.of(new Command.WebhookAck("whk_b", 2, List.of()))));
    assertThat(state.webhooks().outbox().keySet()).containsExactly(3L, 4L);
    // A former leader's late batch does not move anything back.
    run(new Command.AckWebhooks(List.of(new Command.WebhookAck("whk_a", 1, List.of()))));
    assertThat(state.webhooks().hooks().get("whk_a").deliveredSeq()).isEqualTo(3);
    assertThat(state.webhooks().hooks().get("whk_a").deliveries()).containsExactly(d);
    assertThat(state.webhooks().pending("whk_a", 3, 10))
        .extracting(WebhookEvent::seq)
        .containsExactly(4L);
    // Not past what exists; an ack is no audit event.
    int audit = state.audit().all().size();
    run(new Command.AckWebhooks(List.of(new Command.WebhookAck("whk_b", 99, List.of()))));
    assertThat(state.webhooks().hooks().get("whk_b").deliveredSeq()).isEqualTo(4);
    assertThat(state.audit().all()).hasSize(audit);
    run(new Command.DeleteWebhook("whk_a"));
    assertThat(state.webhooks().outbox()).isEmpty();
    assertThat(state.webhooks().lastSeq()).isEqualTo(4);
  }

  @Test
  void outboxBound_dropsOldest_andCountsThemForTheWebhook() {
    run(new Command.CreateWebhook(hook("whk_a", "https://a.example/h", List.of(), true)));
    int total = Webhooks.OUTBOX_MAX + 5;
    for (int from = 0; from < total; from += Command.CreateUsers.MAX_BATCH) {
      List<io.raftray.model.User> users = new ArrayList<>();
      for (int i = from; i < Math.min(total, from + Command.CreateUsers.MAX_BATCH); i++) {
        users.add(user(String.format("usr_%06d", i), String.format("u%06d", i), 0));
      }
      assertThat(run(new Command.CreateUsers(users)).ok()).isTrue();
    }
    Webhooks w = state.webhooks();
    assertThat(w.outbox()).hasSize(Webhooks.OUTBOX_MAX);
    assertThat(w.outbox().firstKey()).isEqualTo(6L);
    assertThat(w.hooks().get("whk_a").droppedEvents()).isEqualTo(5);
    assertThat(w.hooks().get("whk_a").deliveredSeq()).isEqualTo(5);
    assertThat(w.pending("whk_a", 5, 1).getFirst().seq()).isEqualTo(6);
  }

  @Test
  void observe_nodeDownUp_alternates_andDedupeKeysHappenOnce() {
    run(new Command.CreateWebhook(hook("whk_a", "https://a.example/h", List.of(), true)));
    ObservedEvent down =
        new ObservedEvent("node.down", "node_b", Map.of("node_id", "node_b"), null);
    ObservedEvent up = new ObservedEvent("node.up", "node_b", Map.of("node_id", "node_b"), null);
    run(new Command.ObserveEvents(List.of(up))); // not down: nothing
    run(new Command.ObserveEvents(List.of(down)));
    run(new Command.ObserveEvents(List.of(down))); // a new leader saw the same
    run(new Command.ObserveEvents(List.of(up)));
    Instant until = T0.plusSeconds(86_400);
    ObservedEvent exp = new ObservedEvent("user.expiring", "usr_1", Map.of(), until);
    run(new Command.ObserveEvents(List.of(exp)));
    run(new Command.ObserveEvents(List.of(exp)));
    assertThat(types()).containsExactly("node.down", "node.up", "user.expiring");
    assertThat(state.webhooks().notified()).hasSize(1);
    // The key goes once its time has passed.
    Store.Applied later =
        Store.apply(
            state, env(new Command.ObserveEvents(List.of()), until.plusSeconds(1)), ++index);
    assertThat(later.state().webhooks().notified()).isEmpty();
  }

  @Test
  void usage_limitNear_andLimited_areDerived() {
    run(
        new Command.CreateWebhook(
            hook(
                "whk_a", "https://a.example/h", List.of("user.limit_near", "user.limited"), true)));
    run(new Command.CreateUser(user("usr_1", "alice", 1000)));
    run(
        new Command.UsageReport(
            "node_a", 1, List.of(new Command.UsageDelta("usr_1", 500, 0)), null, null));
    assertThat(types()).isEmpty();
    run(
        new Command.UsageReport(
            "node_a", 2, List.of(new Command.UsageDelta("usr_1", 350, 0)), null, null));
    assertThat(types()).containsExactly("user.limit_near");
    run(
        new Command.UsageReport(
            "node_a", 3, List.of(new Command.UsageDelta("usr_1", 200, 0)), null, null));
    assertThat(types()).containsExactly("user.limit_near", "user.limited");
  }

  @Test
  void coreDownUp_comeFromReports() {
    run(new Command.CreateWebhook(hook("whk_a", "https://a.example/h", List.of(), true)));
    run(new Command.ReportXray("node_a", "running", "xray", "1.8", null));
    run(new Command.ReportXray("node_a", "restarting", "xray", "1.8", "exited 1"));
    run(new Command.ReportXray("node_a", "running", "xray", "1.8", null));
    assertThat(types()).containsExactly("core.down", "core.up");
  }

  @Test
  void badWebhook_isRejected_andChangesNothing() {
    Result r =
        run(new Command.CreateWebhook(hook("whk_a", "http://example.com/h", List.of(), true)));
    assertThat(r.error()).isEqualTo(ErrorKind.INVALID);
    r =
        run(
            new Command.CreateWebhook(
                hook("whk_a", "https://a.example/h", List.of("user.nope"), true)));
    assertThat(r.error()).isEqualTo(ErrorKind.INVALID);
    assertThat(state.webhooks().hooks()).isEmpty();
    assertThat(
            run(new Command.CreateWebhook(hook("whk_a", "http://127.0.0.1:9/h", List.of(), true)))
                .ok())
        .isTrue();
  }

  @Test
  void snapshot_roundTripsTheOutbox_andStatesWithoutWebhooksKeepTheirBytes() throws Exception {
    String before =
        new String(SnapshotCodec.encode(state), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(before).doesNotContain("\"webhooks\"");
    run(new Command.CreateWebhook(hook("whk_a", "https://a.example/h", List.of(), true)));
    run(new Command.CreateUser(user("usr_1", "alice", 0)));
    run(
        new Command.ObserveEvents(
            List.of(new ObservedEvent("node.down", "node_b", Map.of("n", 1), null))));
    State back = SnapshotCodec.decode(SnapshotCodec.encode(state));
    // Numbers in event data read back as the smallest fitting type: compare the JSON.
    assertThat(io.raftray.model.Json.mapper().writeValueAsString(back.webhooks().outbox().values()))
        .isEqualTo(
            io.raftray.model.Json.mapper().writeValueAsString(state.webhooks().outbox().values()));
    assertThat(back.webhooks().hooks()).isEqualTo(state.webhooks().hooks());
    assertThat(back.webhooks().outbox().keySet()).containsExactly(1L, 2L);
    assertThat(SnapshotCodec.digest(back)).isEqualTo(SnapshotCodec.digest(state));
    assertThat(back.webhooks().downNodes()).containsExactly("node_b");
  }

  @Test
  void everyWebhookCommand_needsTheWebhookLevel() {
    assertThat(Features.required(new Command.DeleteWebhook("x"))).isEqualTo(Features.WEBHOOKS);
    assertThat(Features.required(new Command.AckWebhooks(List.of()))).isEqualTo(Features.WEBHOOKS);
    assertThat(Features.refusal(state, new Command.ObserveEvents(List.of()), Features.CURRENT))
        .hasValueSatisfying(r -> assertThat(r).contains("needs cluster feature level 2"));
  }
}
