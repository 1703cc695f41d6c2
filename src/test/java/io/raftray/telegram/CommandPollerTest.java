package io.raftray.telegram;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftray.model.User;
import io.raftray.state.Command;
import io.raftray.state.Replica;
import io.raftray.state.Result;
import io.raftray.state.State;
import io.raftray.testing.StandInBotApi;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class CommandPollerTest {
  private static final String TOKEN = "42:poller-test-token";

  /** A replica that only answers reads and its Raft status; commands never write. */
  private static final class ReadOnlyReplica implements Replica {
    final AtomicReference<String> role = new AtomicReference<>("LEADER");
    final State state;

    ReadOnlyReplica() {
      TreeMap<String, User> users = new TreeMap<>();
      users.put(
          "u1",
          User.builder()
              .id("u1")
              .name("alice")
              .subscriptionToken("t")
              .created(Instant.EPOCH)
              .build());
      state = State.builder().clusterId("c-1").users(users).build();
    }

    @Override
    public State view() {
      return state;
    }

    @Override
    public Result submit(String actor, Command command) {
      throw new AssertionError("a bot command must not write: " + command);
    }

    @Override
    public State linearizableView() {
      return state;
    }

    @Override
    public RaftStatus status() {
      return new RaftStatus("n1", Optional.of("n1"), 3, role.get(), 1, 1, List.of("n1"));
    }
  }

  @Test
  void onTheLeader_answersConfiguredChatsOnly_andMovesTheOffset() throws Exception {
    try (StandInBotApi tg = new StandInBotApi(TOKEN)) {
      ReadOnlyReplica replica = new ReadOnlyReplica();
      CommandPoller p =
          new CommandPoller("n1", replica, Optional::empty, 1, java.time.Duration.ofMillis(50));
      CommandPoller.Bot bot =
          new CommandPoller.Bot(new BotApi(BotApi.client(), tg.base(), TOKEN), Set.of(7L));
      tg.say(9, "/user alice");
      tg.say(7, "/user alice");
      tg.say(7, "just chatting");

      p.pollOnce(bot);

      assertThat(tg.sentTo(7)).hasSize(1);
      assertThat(tg.sentTo(7).get(0)).startsWith("User alice\nstatus: active");
      assertThat(tg.sentTo(9)).isEmpty();
      tg.say(7, "/status");
      p.pollOnce(bot);
      List<StandInBotApi.Call> polls =
          tg.calls().stream().filter(c -> c.method().equals("getUpdates")).toList();
      long first = polls.get(0).body().path("offset").asLong();
      long second = polls.get(1).body().path("offset").asLong();
      assertThat(second).as("the next poll confirms what was read").isGreaterThan(first + 2);
      assertThat(tg.sentTo(7)).hasSize(2);
    }
  }

  @Test
  void onAFollower_answersNothing() throws Exception {
    try (StandInBotApi tg = new StandInBotApi(TOKEN)) {
      ReadOnlyReplica replica = new ReadOnlyReplica();
      replica.role.set("FOLLOWER");
      CommandPoller p =
          new CommandPoller("n1", replica, Optional::empty, 1, java.time.Duration.ofMillis(50));
      tg.say(7, "/status");

      p.pollOnce(new CommandPoller.Bot(new BotApi(BotApi.client(), tg.base(), TOKEN), Set.of(7L)));

      assertThat(tg.sentTo(7)).isEmpty();
    }
  }
}
