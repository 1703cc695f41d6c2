package io.raftray.webhook;

import io.raftray.model.FailureStreak;
import io.raftray.model.TelegramTargets;
import io.raftray.model.Threads;
import io.raftray.model.Webhook;
import io.raftray.model.WebhookDelivery;
import io.raftray.model.WebhookEvent;
import io.raftray.model.WebhookUrls;
import io.raftray.state.Command;
import io.raftray.state.Replica;
import io.raftray.state.Result;
import io.raftray.state.State;
import io.raftray.state.Webhooks;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Delivers the replicated outbox, on the Raft leader only (docs/webhooks.md, "Delivery"). Each
 * enabled webhook gets one worker (a virtual thread) that sends its pending events in sequence
 * order, one at a time, and retries a failed one with {@link Backoff} before it moves on, so a
 * receiver sees each webhook's events in order. Every {@code ackInterval} the progress of all
 * workers goes out as one {@code webhook.ack} entry (the delivered-up-to sequence number and the
 * attempts for the delivery log): one Raft write per interval, not per event. A worker starts from
 * the replicated acknowledgement, so after a leader change the new leader sends again what the old
 * one delivered but had not acknowledged yet: at least once. A new term stops every worker and
 * starts them again from the replicated state.
 */
public final class WebhookDispatcher implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(WebhookDispatcher.class.getName());

  /**
   * Timings: how often the leader looks (and wakes idle workers), how often progress is
   * acknowledged, the retry backoff, how often {@link EventObserver} looks, and after how long
   * without an answer a follower is reported down.
   */
  public record Settings(
      Duration poll,
      Duration ackInterval,
      Backoff backoff,
      Duration observeInterval,
      Duration nodeDownAfter) {
    public static final Settings DEFAULT =
        new Settings(
            Duration.ofMillis(100),
            Duration.ofMillis(500),
            Backoff.DEFAULT,
            Duration.ofSeconds(5),
            Duration.ofSeconds(15));
  }

  private final String nodeId;
  private final Replica replica;
  private final Clock clock;
  private final Settings settings;
  private final HttpClient http;
  private final TelegramSender telegram;
  private final Map<String, Worker> workers = new ConcurrentHashMap<>();
  private final FailureStreak ackStreak = new FailureStreak(LOG);
  private ScheduledExecutorService timer;
  private long term = -1;
  private long lastIndex = -1;
  private Instant nextAck = Instant.MIN;
  private Instant nextObserve = Instant.MIN;
  private boolean closed;

  /** Delivers with Telegram's own Bot API for {@code telegram:} webhooks. */
  public WebhookDispatcher(String nodeId, Replica replica, Clock clock, Settings settings) {
    this(nodeId, replica, clock, settings, io.raftray.telegram.BotApi.TELEGRAM);
  }

  /** {@code telegramApi}: where {@code telegram:} webhooks reach the Bot API. */
  public WebhookDispatcher(
      String nodeId, Replica replica, Clock clock, Settings settings, URI telegramApi) {
    this.nodeId = nodeId;
    this.replica = replica;
    this.clock = clock;
    this.settings = settings;
    this.http = WebhookSender.client();
    this.telegram = new TelegramSender(io.raftray.telegram.BotApi.client(), telegramApi, clock);
  }

  @SuppressWarnings("FutureReturnValueIgnored") // round() catches everything; close() stops it
  public synchronized void start() {
    if (timer != null || closed) {
      return;
    }
    timer = Threads.scheduler("raftray-webhooks-" + nodeId);
    long ms = settings.poll().toMillis();
    timer.scheduleWithFixedDelay(this::safeRound, ms, ms, TimeUnit.MILLISECONDS);
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (timer != null) {
      timer.shutdownNow();
    }
    stopAll();
  }

  private void safeRound() {
    try {
      round();
    } catch (RuntimeException e) {
      LOG.warning("webhook round failed: " + e.getMessage());
    }
  }

  /** One look: leadership, the workers that should run, due acknowledgements and observations. */
  synchronized void round() {
    Replica.RaftStatus st = replica.status();
    boolean leader = "LEADER".equals(st.role()) && st.leaderId().map(nodeId::equals).orElse(false);
    if (!leader || st.term() != term) {
      stopAll();
      term = leader ? st.term() : -1;
      if (!leader) {
        return;
      }
      LOG.fine("delivering webhooks as leader of term " + term);
    }
    State v = replica.view();
    Webhooks w = v.webhooks();
    for (Webhook h : w.hooks().values()) {
      if (h.enabled() && !workers.containsKey(h.id())) {
        Worker worker = new Worker(h.id(), new WebhookSender(http, clock, v.clusterId()));
        workers.put(h.id(), worker);
        worker.thread = Thread.ofVirtual().name("raftray-webhook-" + h.id()).start(worker::run);
      }
    }
    workers
        .values()
        .removeIf(
            wk -> {
              Webhook h = w.hooks().get(wk.id);
              if (h == null || !h.enabled()) {
                wk.stop();
                return true;
              }
              return false;
            });
    if (v.appliedIndex() != lastIndex) {
      lastIndex = v.appliedIndex();
      workers.values().forEach(Worker::wake);
    }
    Instant now = clock.instant();
    if (!now.isBefore(nextAck)) {
      nextAck = now.plus(settings.ackInterval());
      flushAcks(w);
    }
    if (!now.isBefore(nextObserve)) {
      nextObserve = now.plus(settings.observeInterval());
      observe(v, now);
    }
  }

  private void observe(State v, Instant now) {
    List<Command.ObservedEvent> seen =
        EventObserver.observe(v, replica.progress(), nodeId, now, settings.nodeDownAfter());
    if (seen.isEmpty()) {
      return;
    }
    try {
      Result r = replica.submit(nodeId, new Command.ObserveEvents(seen));
      if (!r.ok()) {
        LOG.fine("observed events not recorded: " + r.message());
      }
    } catch (RuntimeException e) {
      LOG.fine("observed events not recorded yet: " + e.getMessage());
    }
  }

  /** One {@code webhook.ack} with every worker's progress since the last one (if any). */
  private void flushAcks(Webhooks w) {
    List<Command.WebhookAck> acks = new ArrayList<>();
    List<Runnable> undo = new ArrayList<>();
    for (Worker wk : workers.values()) {
      Webhook h = w.hooks().get(wk.id);
      if (h == null) {
        continue;
      }
      List<WebhookDelivery> log = wk.drain();
      long delivered = wk.delivered;
      if (delivered > h.deliveredSeq() || !log.isEmpty()) {
        acks.add(new Command.WebhookAck(wk.id, Math.max(delivered, h.deliveredSeq()), log));
        undo.add(() -> wk.putBack(log));
      }
    }
    if (acks.isEmpty()) {
      return;
    }
    try {
      Result r = replica.submit(nodeId, new Command.AckWebhooks(acks));
      if (r.ok()) {
        ackStreak.succeeded("webhook acknowledgements committed again");
        return;
      }
      ackStreak.failed("cannot commit webhook acknowledgements: " + r.message());
    } catch (RuntimeException e) {
      ackStreak.failed("cannot commit webhook acknowledgements: " + e.getMessage());
    }
    undo.forEach(Runnable::run);
  }

  private void stopAll() {
    workers.values().forEach(Worker::stop);
    workers.clear();
  }

  /** Whether a worker is delivering for {@code hookId} (tests). */
  boolean delivering(String hookId) {
    return workers.containsKey(hookId);
  }

  /** One webhook's delivery loop. */
  private final class Worker {
    final String id;
    final WebhookSender sender;
    volatile Thread thread;
    volatile boolean running = true;

    /** Delivered up to here on this leader; acknowledged with the next batch. */
    volatile long delivered = -1;

    private final List<WebhookDelivery> log = new ArrayList<>();
    private final Object signal = new Object();
    private boolean woken;

    Worker(String id, WebhookSender sender) {
      this.id = id;
      this.sender = sender;
    }

    void run() {
      int attempt = 0;
      long lastSeq = -1;
      while (running) {
        Webhooks w = replica.view().webhooks();
        Webhook h = w.hooks().get(id);
        if (h == null || !h.enabled()) {
          return;
        }
        long from = Math.max(h.deliveredSeq(), delivered);
        List<WebhookEvent> next = w.pending(id, from, 1);
        if (next.isEmpty()) {
          await(settings.poll().multipliedBy(10), true);
          continue;
        }
        WebhookEvent e = next.get(0);
        attempt = e.seq() == lastSeq ? attempt + 1 : 1;
        lastSeq = e.seq();
        Sink sink = TelegramTargets.isTelegram(h.url()) ? telegram : sender;
        WebhookDelivery d = sink.send(h, e, attempt);
        if (!running) {
          return; // no longer the leader: the next one sends it again
        }
        record(d);
        if (WebhookDelivery.DELIVERED.equals(d.outcome())) {
          delivered = e.seq();
        } else {
          Duration wait =
              settings.backoff().after(attempt, ThreadLocalRandom.current().nextDouble());
          LOG.fine(
              "webhook "
                  + id
                  + " to "
                  + WebhookUrls.redacted(h.url())
                  + ": "
                  + d.error()
                  + "; retrying in "
                  + wait.toMillis()
                  + " ms");
          await(wait, false);
        }
      }
    }

    private void await(Duration d, boolean wakeable) {
      synchronized (signal) {
        long until = System.nanoTime() + d.toNanos();
        while (running && (!wakeable || !woken)) {
          long left = until - System.nanoTime();
          if (left <= 0) {
            break;
          }
          try {
            TimeUnit.NANOSECONDS.timedWait(signal, left);
          } catch (InterruptedException e) {
            return;
          }
        }
        woken = false;
      }
    }

    void wake() {
      synchronized (signal) {
        woken = true;
        signal.notifyAll();
      }
    }

    void stop() {
      running = false;
      wake();
      Thread t = thread;
      if (t != null) {
        t.interrupt();
      }
    }

    private synchronized void record(WebhookDelivery d) {
      log.add(d);
      if (log.size() > Webhooks.DELIVERY_LOG) {
        log.remove(0);
      }
    }

    synchronized List<WebhookDelivery> drain() {
      List<WebhookDelivery> out = List.copyOf(log);
      log.clear();
      return out;
    }

    synchronized void putBack(List<WebhookDelivery> earlier) {
      List<WebhookDelivery> all = new ArrayList<>(earlier);
      all.addAll(log);
      log.clear();
      log.addAll(all.subList(Math.max(0, all.size() - Webhooks.DELIVERY_LOG), all.size()));
    }
  }
}
