package io.raftray.telegram;

import io.raftray.model.TelegramTargets;
import io.raftray.model.Threads;
import io.raftray.model.Webhook;
import io.raftray.state.Replica;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Keeps one {@link CommandPoller} per bot token of the enabled {@code telegram:} webhooks (Telegram
 * allows one {@code getUpdates} consumer per bot, so two webhooks with one bot share a poller, and
 * the chats of both may ask). Every poller idles unless this node leads.
 */
public final class TelegramCommands implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(TelegramCommands.class.getName());
  private static final Duration SYNC = Duration.ofSeconds(2);

  private final String nodeId;
  private final Replica replica;
  private final URI api;
  private final HttpClient http = BotApi.client();
  private final Map<String, CommandPoller> pollers = new HashMap<>();
  private ScheduledExecutorService timer;

  public TelegramCommands(String nodeId, Replica replica, URI api) {
    this.nodeId = nodeId;
    this.replica = replica;
    this.api = api;
  }

  @SuppressWarnings("FutureReturnValueIgnored") // sync() catches everything; close() stops it
  public synchronized void start() {
    if (timer == null) {
      timer = Threads.scheduler("raftray-telegram-sync-" + nodeId);
      timer.scheduleWithFixedDelay(this::sync, 0, SYNC.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  private synchronized void sync() {
    try {
      Set<String> tokens = new LinkedHashSet<>();
      for (Webhook h : replica.view().webhooks().hooks().values()) {
        if (h.enabled() && TelegramTargets.isTelegram(h.url())) {
          tokens.add(h.secret());
        }
      }
      pollers
          .entrySet()
          .removeIf(
              e -> {
                if (!tokens.contains(e.getKey())) {
                  e.getValue().close();
                  return true;
                }
                return false;
              });
      for (String token : tokens) {
        pollers.computeIfAbsent(
            token,
            t -> {
              CommandPoller p =
                  new CommandPoller(nodeId, replica, () -> bot(t), 25, Duration.ofSeconds(1));
              p.start();
              return p;
            });
      }
    } catch (RuntimeException e) {
      LOG.warning("telegram commands: " + e.getMessage());
    }
  }

  /** The bot of {@code token} with the chats of every enabled webhook that uses it. */
  private Optional<CommandPoller.Bot> bot(String token) {
    Set<Long> chats = new LinkedHashSet<>();
    for (Webhook h : replica.view().webhooks().hooks().values()) {
      if (h.enabled() && TelegramTargets.isTelegram(h.url()) && h.secret().equals(token)) {
        chats.addAll(TelegramTargets.chatIds(h.url()));
      }
    }
    return chats.isEmpty()
        ? Optional.empty()
        : Optional.of(new CommandPoller.Bot(new BotApi(http, api, token), Set.copyOf(chats)));
  }

  /**
   * Where the Bot API is: {@code RAFTRAY_TELEGRAM_API} (a self-hosted Bot API server; https, or
   * http to a loopback host), else Telegram's.
   *
   * @throws IllegalArgumentException for an unusable value
   */
  public static URI apiFrom(Map<String, String> env) {
    String v = env.getOrDefault("RAFTRAY_TELEGRAM_API", "").trim();
    if (v.isEmpty()) {
      return BotApi.TELEGRAM;
    }
    Optional<String> problem = io.raftray.model.WebhookUrls.problem(v);
    if (problem.isPresent() || TelegramTargets.isTelegram(v)) {
      throw new IllegalArgumentException(
          "RAFTRAY_TELEGRAM_API " + problem.orElse("must be an https url"));
    }
    return URI.create(v);
  }

  @Override
  public synchronized void close() {
    if (timer != null) {
      timer.shutdownNow();
    }
    pollers.values().forEach(CommandPoller::close);
    pollers.clear();
  }
}
