package io.raftray.it;

import static io.raftray.it.RaftrayProcess.obj;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.raftray.testing.StandInBotApi;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15 item 5 against three {@code raftray run} processes and a stand-in Bot API on loopback
 * (Telegram's servers cannot be reached from here; {@code RAFTRAY_TELEGRAM_API} points the nodes at
 * it): a {@code telegram:} webhook with two chats and an event filter gets exactly the opted-in
 * events as readable messages, in order, in both chats; an admin's {@code /user} and {@code
 * /status} are answered, a stranger's are not; after {@code kill -9} of the leader the new leader
 * answers {@code /status} naming itself; no node logs the bot token.
 */
@Timeout(180)
class TelegramIT {
  private static final String TOKEN = "7000000001:AAtelegram-it-token-0123456789abcdef";
  private static final long ADMIN = 111;
  private static final long GROUP = -222;
  private static final long STRANGER = 333;

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path tmp;

  @Test
  void eventsReachTheChats_commandsAreAnswered_alsoByTheNextLeader() throws Exception {
    try (StandInBotApi tg = new StandInBotApi(TOKEN)) {
      List<Integer> ports = new ArrayList<>();
      List<String> urls = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        ports.add(RaftrayProcess.freePort());
        urls.add("https://127.0.0.1:" + ports.get(i));
      }
      try (ProcessCluster c =
          ProcessCluster.formWith(
              tmp,
              ports,
              urls,
              (i, node) -> node.setRunEnv(Map.of("RAFTRAY_TELEGRAM_API", tg.base().toString())))) {
        RaftrayProcess.Response hook =
            c.node(0)
                .post(
                    "/webhooks",
                    obj(
                        "url",
                        "telegram:" + ADMIN + "," + GROUP,
                        "secret",
                        TOKEN,
                        "events",
                        List.of("user.created", "user.disabled")));
        assertThat(hook.status()).as("create: %s", hook.raw()).isEqualTo(201);
        assertThat(hook.raw()).doesNotContain(TOKEN);

        RaftrayProcess.Response alice = c.node(1).post("/users", obj("name", "alice"));
        assertThat(alice.status()).as(alice.raw()).isEqualTo(201);
        String aliceId = alice.body().path("id").asText();
        RaftrayProcess.Response off =
            c.node(2).call("PATCH", "/users/" + aliceId, obj("status", "disabled"));
        assertThat(off.status()).as(off.raw()).isEqualTo(200);
        assertThat(c.node(2).post("/users", obj("name", "bob")).status()).isEqualTo(201);

        List<String> expected = List.of("New user alice", "User alice disabled", "New user bob");
        for (long chat : List.of(ADMIN, GROUP)) {
          await("the opted-in events reach chat " + chat)
              .atMost(Duration.ofSeconds(30))
              .until(() -> headlines(tg.sentTo(chat)).containsAll(expected));
          List<String> got = headlines(tg.sentTo(chat));
          // In order, each at least once, and nothing that was filtered out ("User alice changed").
          assertThat(new ArrayList<>(new java.util.LinkedHashSet<>(got))).isEqualTo(expected);
        }
        assertThat(tg.sentTo(ADMIN).get(1)).contains("status: active → disabled");

        tg.say(STRANGER, "/status");
        tg.say(ADMIN, "/user alice");
        await("the admin's /user is answered")
            .atMost(Duration.ofSeconds(30))
            .until(() -> tg.sentTo(ADMIN).stream().anyMatch(t -> t.startsWith("User alice\n")));
        String card =
            tg.sentTo(ADMIN).stream().filter(t -> t.startsWith("User alice\n")).findFirst().get();
        assertThat(card).contains("status: disabled").contains("expires: never");
        assertThat(tg.sentTo(STRANGER)).as("a chat that is not configured").isEmpty();

        String leader = c.awaitAgreedLeader(Duration.ofSeconds(20), Set.of(0, 1, 2));
        int li = c.indexOf(leader);
        c.node(li).kill9();
        Set<Integer> rest = new HashSet<>(Set.of(0, 1, 2));
        rest.remove(li);
        String next = c.awaitAgreedLeader(Duration.ofSeconds(30), rest);
        String nextName = nameOf(c, rest.iterator().next(), next);
        int before = tg.sentTo(ADMIN).size();
        await("the new leader answers /status")
            .atMost(Duration.ofSeconds(45))
            .pollInterval(Duration.ofSeconds(2))
            .until(
                () -> {
                  if (tg.sentTo(ADMIN).stream()
                      .skip(before)
                      .anyMatch(t -> t.contains("leader: " + nextName + ","))) {
                    return true;
                  }
                  // Asked again on every poll: a message the killed leader took is lost with it.
                  tg.say(ADMIN, "/status");
                  return false;
                });
        assertThat(tg.sentTo(STRANGER)).isEmpty();
        for (int i : rest) {
          assertThat(c.node(i).allRunLogs()).as("node %d logs", i).doesNotContain(TOKEN);
        }
      }
    }
  }

  private static String nameOf(ProcessCluster c, int viewFrom, String nodeId) {
    for (var m : c.clusterView(viewFrom).path("members")) {
      if (m.path("node_id").asText().equals(nodeId)) {
        return m.path("name").asText();
      }
    }
    throw new AssertionError("no member " + nodeId);
  }

  private static List<String> headlines(List<String> texts) {
    return texts.stream().map(t -> t.split("\n", 2)[0]).toList();
  }
}
