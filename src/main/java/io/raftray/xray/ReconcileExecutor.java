package io.raftray.xray;

import io.raftray.model.Digests;
import io.raftray.model.Endpoint;
import io.raftray.model.Security;
import io.raftray.xray.ReconcilePlan.Op;
import io.raftray.xray.ReconcilePlan.Step;
import io.raftray.xray.ReconcilePlan.Want;
import io.raftray.xray.XrayApiException.Kind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.logging.Logger;

/**
 * Runs {@link ReconcilePlan}s against one core through {@link XrayApi} and remembers, per inbound
 * in one {@link AppliedInbound}, what it applied since the core became ready: V2Ray 4.x cannot list
 * inbounds or users, so this memory is the only source. Used by the reconciler thread only.
 *
 * <p>Each desired inbound fails on its own (recorded with its reason and retried after a backoff
 * while the others go on); the core failing as a whole ({@link Kind#UNAVAILABLE}, or a removal it
 * refuses) ends the round with the exception, and what the core holds is then unknown.
 */
final class ReconcileExecutor {
  private static final Logger LOG = Logger.getLogger(ReconcileExecutor.class.getName());

  private final Clock clock;

  /** By tag, in the order the inbounds were (re)added: removals are sent in that order. */
  private final Map<String, AppliedInbound> inbounds = new LinkedHashMap<>();

  private long failures;

  ReconcileExecutor(Clock clock) {
    this.clock = clock;
  }

  /**
   * One round: plans against {@code desired} and runs the plan. Returns the failures of desired
   * inbounds (held ones included) in desired order; empty when all are in the core.
   *
   * @throws XrayApiException when the core failed as a whole
   */
  List<String> run(
      XrayApi core, Map<String, Desired.Inbound> desired, Instant now, boolean reassert) {
    List<Want> wants = new ArrayList<>();
    for (Desired.Inbound in : desired.values()) {
      wants.add(new Want(in, fingerprint(core.flavor(), in)));
    }
    ReconcilePlan plan = ReconcilePlan.between(inbounds, wants, core.flavor(), now, reassert);
    for (Op.RemoveInbound r : plan.removals()) {
      ignoring(Kind.NOT_FOUND, () -> core.removeInbound(r.tag()));
      put(r.tag(), inbounds.get(r.tag()).removed(), false);
      LOG.info(() -> "removed inbound " + r.tag() + " from the core");
    }
    List<String> errors = new ArrayList<>();
    for (Step s : plan.steps()) {
      String error = s.held() ? inbounds.get(s.tag()).failure() : apply(core, s);
      if (error != null) {
        errors.add(error);
      }
    }
    inbounds.keySet().retainAll(desired.keySet());
    return errors;
  }

  /** The core is new (or its content unknown): nothing of it is known. */
  void forget() {
    inbounds.clear();
  }

  /** Every desired inbound is in the core: no failure is left to report or retry. */
  void clearFailures() {
    for (Iterator<Map.Entry<String, AppliedInbound>> it = inbounds.entrySet().iterator();
        it.hasNext(); ) {
      Map.Entry<String, AppliedInbound> e = it.next();
      e.setValue(e.getValue().recovered());
      if (e.getValue().forgettable()) {
        it.remove();
      }
    }
  }

  /** The earliest end of an inbound's backoff, or null when none backs off. */
  Instant nextRetry() {
    Instant next = null;
    for (AppliedInbound a : inbounds.values()) {
      if (a.retryAt() != null && (next == null || a.retryAt().isBefore(next))) {
        next = a.retryAt();
      }
    }
    return next;
  }

  int inboundCount() {
    return (int) inbounds.values().stream().filter(AppliedInbound::inCore).count();
  }

  int userCount() {
    return inbounds.values().stream().mapToInt(a -> a.users().size()).sum();
  }

  int failingCount() {
    return (int) inbounds.values().stream().filter(AppliedInbound::failing).count();
  }

  /** How many times applying an inbound failed since this executor was made. */
  long failures() {
    return failures;
  }

  /** Runs one step; returns null when the inbound is now as desired, else the reason it is not. */
  private String apply(XrayApi core, Step s) {
    String tag = s.tag();
    AppliedInbound before = inbounds.getOrDefault(tag, AppliedInbound.NONE);
    Progress p = new Progress(before);
    try {
      for (Op op : s.ops()) {
        if (!send(core, s.want(), op, p)) {
          break;
        }
      }
    } catch (XrayApiException e) {
      if (e.kind() == Kind.UNAVAILABLE) {
        put(tag, p.applied(before), p.readded);
        throw e;
      }
      String reason = "inbound " + tag + ": " + e.getMessage();
      if (!reason.equals(before.failure())) {
        LOG.warning(() -> "cannot apply " + reason + " (retrying with backoff)");
      }
      int n = before.failures() + 1;
      Instant retryAt = clock.instant().plusMillis(Reconciler.backoffMillis(n));
      failures++;
      put(tag, new AppliedInbound(p.fingerprint, p.users, reason, n, retryAt), p.readded);
      return reason;
    }
    put(tag, AppliedInbound.inCore(p.fingerprint, p.users), p.readded);
    if (before.failing()) {
      LOG.info(() -> "inbound " + tag + " is in the core again");
    }
    return null;
  }

  /** Sends one operation; false when the inbound was rebuilt instead and the rest is moot. */
  private static boolean send(XrayApi core, Want want, Op op, Progress p) {
    switch (op) {
      case Op.AddInbound a -> addInbound(core, a.want(), p);
      case Op.RemoveUser r -> {
        ignoring(Kind.NOT_FOUND, () -> core.removeUser(r.tag(), r.email()));
        p.users.remove(r.email());
      }
      case Op.AddUser a -> {
        try {
          core.addUser(want.inbound().endpoint(), a.user());
        } catch (XrayApiException ex) {
          if (ex.kind() == Kind.NOT_FOUND) {
            // The inbound vanished from the core (someone removed it): rebuild it.
            p.fingerprint = null;
            p.users.clear();
            addInbound(core, want, p);
            return false;
          }
          if (ex.kind() != Kind.ALREADY_EXISTS) {
            throw ex;
          }
        }
        p.users.put(a.user().email(), a.user().credential());
      }
      case Op.RemoveInbound r -> throw new IllegalArgumentException("not a step operation: " + r);
    }
    return true;
  }

  private static void addInbound(XrayApi core, Want want, Progress p) {
    Endpoint e = want.inbound().endpoint();
    List<InboundUser> users = new ArrayList<>(want.inbound().users().values());
    // A tag this reconciler did not apply may still be in the core (an adopted core, or an earlier
    // attempt whose answer was lost) with unknown content. V2Ray 4.34 accepts a second inbound
    // with the same tag and keeps the old listener, so always remove before adding.
    ignoring(Kind.NOT_FOUND, () -> core.removeInbound(e.tag()));
    try {
      core.addInbound(e, users);
    } catch (XrayApiException ex) {
      if (ex.kind() != Kind.ALREADY_EXISTS) {
        throw ex;
      }
      ignoring(Kind.NOT_FOUND, () -> core.removeInbound(e.tag()));
      core.addInbound(e, users);
    }
    p.fingerprint = want.fingerprint();
    p.users.clear();
    for (InboundUser u : users) {
      p.users.put(u.email(), u.credential());
    }
    p.readded = true;
    LOG.info(() -> "added inbound " + e.tag() + " with " + users.size() + " users to the core");
  }

  /** Stores the record; a (re)added inbound moves to the end of the removal order. */
  private void put(String tag, AppliedInbound a, boolean readded) {
    if (readded) {
      inbounds.remove(tag);
    }
    if (a.forgettable()) {
      inbounds.remove(tag);
    } else {
      inbounds.put(tag, a);
    }
  }

  /**
   * The fingerprint {@code in} must be applied with: its endpoint's (see {@link
   * Desired#fingerprint}) plus the modification time and size of its TLS files, so a renewed
   * certificate on disk rebuilds the inbound at the next round, and, for an inbound whose users
   * cannot change at run time, its users.
   */
  static String fingerprint(Flavor flavor, Desired.Inbound in) {
    Endpoint e = in.endpoint();
    String extra = "";
    if (Capabilities.singleUser(flavor, e.protocol())) {
      extra = credentialsHash(in) + ";";
    }
    if (e.security() == Security.TLS) {
      extra +=
          fileStamp(e.settings().get("certificate_file")) + fileStamp(e.settings().get("key_file"));
    }
    return Desired.fingerprint(e, extra);
  }

  private static String credentialsHash(Desired.Inbound in) {
    StringBuilder sb = new StringBuilder();
    new TreeMap<>(in.users())
        .forEach((email, u) -> sb.append(email).append(' ').append(u.credential()).append('\n'));
    return Digests.sha256Hex(sb.toString());
  }

  private static String fileStamp(Object path) {
    if (!(path instanceof String p)) {
      return "-";
    }
    try {
      Path f = Path.of(p);
      return Files.getLastModifiedTime(f).toMillis() + ":" + Files.size(f) + ";";
    } catch (IOException | RuntimeException e) {
      return "?;";
    }
  }

  private static void ignoring(Kind kind, Runnable call) {
    try {
      call.run();
    } catch (XrayApiException e) {
      if (e.kind() != kind) {
        throw e;
      }
    }
  }

  /** What one step has applied so far; becomes the inbound's record when the step ends. */
  private static final class Progress {
    String fingerprint;
    final Map<String, String> users;
    boolean readded;

    Progress(AppliedInbound before) {
      this.fingerprint = before.fingerprint();
      this.users = new LinkedHashMap<>(before.users());
    }

    /** The progress with the failure {@code before} had (the round ends before it is judged). */
    AppliedInbound applied(AppliedInbound before) {
      return new AppliedInbound(
          fingerprint, users, before.failure(), before.failures(), before.retryAt());
    }
  }
}
