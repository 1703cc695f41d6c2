package io.raftray.sub;

import io.raftray.model.Device;
import io.raftray.model.FailureStreak;
import io.raftray.model.Threads;
import io.raftray.model.User;
import io.raftray.state.Command.DeviceSeen;
import io.raftray.state.Command.SubFetch;
import io.raftray.state.Command.SubscriptionActivity;
import io.raftray.state.Replica;
import io.raftray.state.Result;
import io.raftray.state.State;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * This node's subscription activity, collected in memory and committed as ONE {@code
 * subscription.activity} entry per interval (never a Raft write per fetch): the last fetch of each
 * user (time, User-Agent) and every device ({@code x-hwid}) seen.
 *
 * <p>Device admission ({@link #admit}) is decided here, on the local view plus what this node has
 * accepted but not yet seen applied: a device the state knows is {@link Admission#KNOWN}; a new one
 * is {@link Admission#NEW} while the user's registered devices plus this node's pending new ones
 * are under its capacity ({@link io.raftray.model.ClusterSettings#deviceCapacityOf}), else {@link
 * Admission#REFUSED}. The state machine decides for good when the batch applies (in log order, so
 * when two nodes accepted different devices for the last slot in the same window, the one in the
 * earlier entry wins); once this node has applied its batch its pending devices are dropped and the
 * state answers from then on. See docs/subscriptions.md, "Device limits".
 *
 * <p>Bounded: at most {@link SubscriptionActivity#MAX_ITEMS} users and devices wait per batch;
 * beyond that further fetches are not recorded and further new devices are refused until the next
 * batch. A batch that cannot be committed is kept and sent again with the next one; the activity of
 * the last interval before a shutdown is lost (it is activity, not usage).
 */
public final class SubActivity implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(SubActivity.class.getName());

  /** How a device's fetch is answered. */
  public enum Admission {
    /** Registered in the replicated state. */
    KNOWN,
    /** Not registered yet; accepted by this node within the user's limit. */
    NEW,
    /** Not registered and the user has no room for it. */
    REFUSED
  }

  /** What a client says about itself in its headers; {@code hwid} already valid. */
  public record Client(String hwid, String os, String osVersion, String model, String userAgent) {}

  private final String nodeId;
  private final Replica replica;
  private final Duration interval;
  private final FailureStreak streak = new FailureStreak(LOG);

  // All guarded by `this`.
  private LinkedHashMap<String, SubFetch> fetches = new LinkedHashMap<>();
  private LinkedHashMap<String, DeviceSeen> devices = new LinkedHashMap<>();

  /** New devices accepted here and not yet applied in a batch of this node: user id -> hwids. */
  private final Map<String, Set<String>> pendingNew = new HashMap<>();

  private ScheduledExecutorService timer;
  private boolean closed;

  /**
   * @param replica where batches go; null keeps everything in memory (tests of the service alone)
   */
  public SubActivity(String nodeId, Replica replica, Duration interval) {
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("activity interval must be positive");
    }
    this.nodeId = nodeId;
    this.replica = replica;
    this.interval = interval;
  }

  @SuppressWarnings("FutureReturnValueIgnored") // safeFlush() logs failures; close() stops it
  public synchronized void start() {
    if (timer != null || closed || replica == null) {
      return;
    }
    timer = Threads.scheduler("raftray-sub-activity-" + nodeId);
    long ms = interval.toMillis();
    timer.scheduleWithFixedDelay(this::safeFlush, ms, ms, TimeUnit.MILLISECONDS);
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (timer != null) {
      timer.shutdownNow();
    }
  }

  /** Records that {@code u}'s subscription was served at {@code at} to {@code userAgent}. */
  public synchronized void fetched(User u, String userAgent, Instant at) {
    if (fetches.size() >= SubscriptionActivity.MAX_ITEMS && !fetches.containsKey(u.id())) {
      return;
    }
    fetches.remove(u.id()); // re-insert: insertion order is the order of the last fetch
    fetches.put(u.id(), new SubFetch(u.id(), at, Device.text(userAgent)));
  }

  /** Whether device {@code c} may have {@code u}'s subscription; records the sighting. */
  public synchronized Admission admit(State s, User u, Client c, Instant at) {
    Map<String, Device> known = s.devices(u.id());
    String key = u.id() + "\n" + c.hwid();
    boolean room = devices.size() < SubscriptionActivity.MAX_ITEMS || devices.containsKey(key);
    if (known.containsKey(c.hwid())) {
      if (room) {
        devices.put(key, seen(u, c, at, true));
      }
      return Admission.KNOWN;
    }
    Set<String> mine = pendingNew.computeIfAbsent(u.id(), k -> new LinkedHashSet<>());
    if (!mine.contains(c.hwid())) {
      int pending = 0;
      for (String h : mine) {
        if (!known.containsKey(h)) {
          pending++;
        }
      }
      if (!room || known.size() + pending >= s.settings().deviceCapacityOf(u)) {
        if (mine.isEmpty()) {
          pendingNew.remove(u.id());
        }
        return Admission.REFUSED;
      }
      mine.add(c.hwid());
    }
    if (room) {
      devices.put(key, seen(u, c, at, null));
    }
    return Admission.NEW;
  }

  private static DeviceSeen seen(User u, Client c, Instant at, Boolean registered) {
    return new DeviceSeen(
        u.id(),
        c.hwid(),
        Device.text(c.os()),
        Device.text(c.osVersion()),
        Device.text(c.model()),
        Device.text(c.userAgent()),
        at,
        registered);
  }

  private void safeFlush() {
    try {
      flush();
    } catch (RuntimeException e) {
      streak.failed("cannot commit subscription activity, retrying every " + interval + ": " + e);
    }
  }

  /**
   * Submits what was collected since the last batch as one entry; false when there was nothing or
   * it could not be committed (then it is kept for the next one).
   */
  public boolean flush() {
    List<SubFetch> f;
    List<DeviceSeen> d;
    synchronized (this) {
      if (replica == null || (fetches.isEmpty() && devices.isEmpty())) {
        return false;
      }
      f = new ArrayList<>(fetches.values());
      d = new ArrayList<>(devices.values());
      fetches = new LinkedHashMap<>();
      devices = new LinkedHashMap<>();
    }
    Result r;
    try {
      r = replica.submit(nodeId, new SubscriptionActivity(nodeId, f, d));
    } catch (RuntimeException e) {
      keep(f, d);
      throw e;
    }
    synchronized (this) {
      // Applied on this node (or refused as a whole): the local view decides from now on.
      for (DeviceSeen seen : d) {
        Set<String> mine = pendingNew.get(seen.userId());
        if (mine != null) {
          mine.remove(seen.hwid());
          if (mine.isEmpty()) {
            pendingNew.remove(seen.userId());
          }
        }
      }
    }
    if (!r.ok()) {
      streak.failed("subscription activity refused: " + r.message());
      return false;
    }
    streak.succeeded("subscription activity committed again");
    return true;
  }

  /** Puts an uncommitted batch back in front of what came since (newer entries win). */
  private synchronized void keep(List<SubFetch> f, List<DeviceSeen> d) {
    LinkedHashMap<String, SubFetch> fs = new LinkedHashMap<>();
    for (SubFetch x : f) {
      fs.put(x.userId(), x);
    }
    fs.putAll(fetches);
    LinkedHashMap<String, DeviceSeen> ds = new LinkedHashMap<>();
    for (DeviceSeen x : d) {
      ds.put(x.userId() + "\n" + x.hwid(), x);
    }
    ds.putAll(devices);
    while (fs.size() > SubscriptionActivity.MAX_ITEMS) {
      fs.remove(fs.keySet().iterator().next());
    }
    while (ds.size() > SubscriptionActivity.MAX_ITEMS) {
      DeviceSeen dropped = ds.remove(ds.keySet().iterator().next());
      Set<String> mine = pendingNew.get(dropped.userId());
      if (mine != null && mine.remove(dropped.hwid()) && mine.isEmpty()) {
        pendingNew.remove(dropped.userId());
      }
    }
    fetches = fs;
    devices = ds;
  }
}
