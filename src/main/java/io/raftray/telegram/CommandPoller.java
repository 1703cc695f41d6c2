package io.raftray.telegram;

import io.raftray.model.FailureStreak;
import io.raftray.state.Replica;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * Answers admins' bot commands, on the Raft leader only: Telegram hands each update to one {@code
 * getUpdates} consumer at a time (a second one gets 409 Conflict), so the fleet must poll from one
 * node, and the leader is the one node every member agrees on. Messages from chats that are not
 * configured are not answered. The offset is kept in memory: after a leader change the new leader
 * may answer a command the old one answered but had not yet confirmed (one duplicate answer,
 * harmless for read-only commands) — no Raft write per chat message.
 */
public final class CommandPoller implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(CommandPoller.class.getName());

  /** The bot a poller serves: its API and the chats allowed to ask. */
  public record Bot(BotApi api, Set<Long> chatIds) {}

  private final String nodeId;
  private final Replica replica;
  private final Supplier<Optional<Bot>> bot;
  private final int waitSeconds;
  private final Duration idle;
  private final FailureStreak failures = new FailureStreak(LOG);
  private volatile boolean closed;
  private Thread thread;
  private long offset;

  /**
   * {@code bot} is read before each poll (settings may change); {@code waitSeconds} is the
   * long-poll wait, {@code idle} the pause while this node is not the leader or no bot is set.
   */
  public CommandPoller(
      String nodeId, Replica replica, Supplier<Optional<Bot>> bot, int waitSeconds, Duration idle) {
    this.nodeId = nodeId;
    this.replica = replica;
    this.bot = bot;
    this.waitSeconds = waitSeconds;
    this.idle = idle;
  }

  public synchronized void start() {
    if (thread == null && !closed) {
      thread = Thread.ofVirtual().name("raftray-telegram-" + nodeId).start(this::loop);
    }
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (thread != null) {
      thread.interrupt();
    }
  }

  private void loop() {
    while (!closed) {
      try {
        Optional<Bot> b = isLeader() ? bot.get() : Optional.empty();
        if (b.isEmpty()) {
          Thread.sleep(idle.toMillis());
          continue;
        }
        pollOnce(b.get());
        failures.succeeded("telegram commands answered again");
      } catch (InterruptedException e) {
        return;
      } catch (BotApi.BotApiException e) {
        failures.failed("telegram: " + e.getMessage());
        pause(e.retryAfterSeconds() > 0 ? Duration.ofSeconds(e.retryAfterSeconds()) : idle);
      } catch (IOException | RuntimeException e) {
        failures.failed("telegram: " + e.getClass().getSimpleName());
        pause(idle);
      }
    }
  }

  /** One long poll and the answers to what it brought. */
  void pollOnce(Bot b) throws IOException {
    List<BotApi.Update> updates = b.api().getUpdates(offset, waitSeconds);
    for (BotApi.Update u : updates) {
      offset = Math.max(offset, u.updateId() + 1);
      if (!b.chatIds().contains(u.chatId()) || !isLeader()) {
        continue;
      }
      Optional<String> reply = AdminCommands.answer(u.text(), replica.view(), replica.status());
      if (reply.isPresent()) {
        b.api().sendMessage(u.chatId(), reply.get());
      }
    }
  }

  private boolean isLeader() {
    Replica.RaftStatus st = replica.status();
    return "LEADER".equals(st.role()) && st.leaderId().map(nodeId::equals).orElse(false);
  }

  private void pause(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      closed = true;
    }
  }
}
