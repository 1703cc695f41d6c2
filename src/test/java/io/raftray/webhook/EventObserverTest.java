package io.raftray.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftray.model.AdminToken;
import io.raftray.model.Node;
import io.raftray.model.NodeRole;
import io.raftray.model.NodeStatus;
import io.raftray.model.Role;
import io.raftray.model.User;
import io.raftray.model.Webhook;
import io.raftray.state.Command;
import io.raftray.state.Command.ObservedEvent;
import io.raftray.state.LocalReplica;
import io.raftray.state.Replica;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What the leader observes, and that submitting it twice makes one event. */
@Timeout(10)
class EventObserverTest {
  private static final Instant NOW = Instant.parse("2026-06-01T00:00:00Z");
  private static final Duration DOWN = Duration.ofSeconds(15);

  private static Node node(String id, Instant certEnd) {
    return new Node(
        id,
        id,
        "https://" + id + ":1",
        id,
        Map.of(),
        NodeRole.VOTER,
        NodeStatus.ACTIVE,
        Map.of(),
        "01",
        certEnd,
        "PEM",
        NOW,
        NOW);
  }

  private static LocalReplica cluster(List<String> events) {
    LocalReplica r =
        new LocalReplica(
            Clock.fixed(NOW, ZoneOffset.UTC), "node_a", io.raftray.state.State.empty());
    AdminToken owner = new AdminToken("tok_owner", "owner", Role.OWNER, "ab", NOW, false);
    r.submit(
        "x",
        new Command.Bootstrap("c", "CA", node("node_a", NOW.plus(Duration.ofDays(300))), owner));
    r.submit("node_a", new Command.AddNode(node("node_b", NOW.plus(Duration.ofDays(10)))));
    r.submit(
        "tok_owner",
        new Command.CreateWebhook(
            new Webhook(
                "whk_1",
                "https://h.example/",
                "0123456789abcdef",
                events,
                true,
                NOW,
                NOW,
                0,
                0,
                List.of())));
    return r;
  }

  private static Optional<Replica.Progress> progress(long lastContactMs) {
    return Optional.of(
        new Replica.Progress("node_a", 10, Map.of("node_b", new Replica.Peer(5L, lastContactMs))));
  }

  @Test
  void silentFollower_isDownOnce_thenUp() {
    LocalReplica r = cluster(List.of());
    assertThat(EventObserver.observe(r.view(), progress(1_000), "node_a", NOW, DOWN))
        .extracting(ObservedEvent::type)
        .containsExactly("certificate.expiring"); // node_b's certificate ends in 10 days
    List<ObservedEvent> seen =
        EventObserver.observe(r.view(), progress(20_000), "node_a", NOW, DOWN);
    assertThat(seen)
        .extracting(ObservedEvent::type)
        .containsExactly("node.down", "certificate.expiring");
    r.submit("node_a", new Command.ObserveEvents(seen));
    r.submit("node_a", new Command.ObserveEvents(seen)); // a second leader saw the same
    assertThat(EventObserver.observe(r.view(), progress(20_000), "node_a", NOW, DOWN)).isEmpty();
    List<ObservedEvent> back = EventObserver.observe(r.view(), progress(100), "node_a", NOW, DOWN);
    assertThat(back).extracting(ObservedEvent::type).containsExactly("node.up");
    r.submit("node_a", new Command.ObserveEvents(back));
    assertThat(r.view().webhooks().outbox().values())
        .extracting(e -> e.type())
        .containsExactly("node.down", "certificate.expiring", "node.up");
  }

  @Test
  void userExpiringWithinTheSetting_isAnnouncedOnce_andOnlyWhenWanted() {
    LocalReplica r = cluster(List.of("user.expiring"));
    User soon =
        User.builder()
            .id("usr_1")
            .name("soon")
            .subscriptionToken("s1")
            .expireAt(NOW.plus(Duration.ofDays(2)))
            .build();
    User later =
        User.builder()
            .id("usr_2")
            .name("later")
            .subscriptionToken("s2")
            .expireAt(NOW.plus(Duration.ofDays(20)))
            .build();
    r.submit("tok_owner", new Command.CreateUser(soon));
    r.submit("tok_owner", new Command.CreateUser(later));
    List<ObservedEvent> seen =
        EventObserver.observe(r.view(), progress(20_000), "node_a", NOW, DOWN);
    assertThat(seen).extracting(ObservedEvent::subject).containsExactly("usr_1");
    r.submit("node_a", new Command.ObserveEvents(seen));
    assertThat(EventObserver.observe(r.view(), progress(20_000), "node_a", NOW, DOWN)).isEmpty();
    assertThat(r.view().webhooks().outbox()).hasSize(1);
  }
}
