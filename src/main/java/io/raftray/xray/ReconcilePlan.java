package io.raftray.xray;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One reconcile round's work, computed from what was applied and what is desired, without a core, a
 * clock or I/O: first the inbounds to take out of the core ({@code removals}: vanished from the
 * desired state, or changed and rebuilt below), then one {@link Step} per desired inbound in
 * desired order. {@link ReconcileExecutor} runs it; what happens when the core answers unexpectedly
 * (a user's inbound vanished, an inbound is refused) is the executor's business.
 */
record ReconcilePlan(List<Op.RemoveInbound> removals, List<Step> steps) {

  ReconcilePlan {
    removals = List.copyOf(removals);
    steps = List.copyOf(steps);
  }

  /**
   * A desired inbound and the fingerprint it must be applied with: everything that, when it
   * changes, rebuilds the inbound (see {@link ReconcileExecutor#fingerprint}).
   */
  record Want(Desired.Inbound inbound, String fingerprint) {
    String tag() {
      return inbound.endpoint().tag();
    }

    @Override
    public String toString() {
      return "Want[" + tag() + "]"; // the endpoint holds secrets
    }
  }

  /**
   * What to do for one desired inbound. {@code held}: it failed and backs off; nothing is sent and
   * its last failure is reported again. Otherwise {@code ops} bring it in line; none when it is
   * already, which ends its failure.
   */
  record Step(Want want, boolean held, List<Op> ops) {
    Step {
      ops = List.copyOf(ops);
    }

    String tag() {
      return want.tag();
    }
  }

  /** A call on the core's HandlerService. Printed without credentials. */
  sealed interface Op {
    /** RemoveInbound; "not found" is success. */
    record RemoveInbound(String tag) implements Op {
      @Override
      public String toString() {
        return "remove inbound " + tag;
      }
    }

    /** Remove (an unknown inbound may hold the tag), then AddInbound with every desired user. */
    record AddInbound(Want want) implements Op {
      @Override
      public String toString() {
        return "add inbound " + want.tag() + " with " + want.inbound().users().size() + " users";
      }
    }

    /** AlterInbound RemoveUser; "not found" is success. */
    record RemoveUser(String tag, String email) implements Op {
      @Override
      public String toString() {
        return "remove user " + email + " from " + tag;
      }
    }

    /**
     * AlterInbound AddUser; "already exists" is success, "not found" means the inbound vanished
     * from the core and is rebuilt.
     */
    record AddUser(String tag, InboundUser user) implements Op {
      @Override
      public String toString() {
        return "add user " + user.email() + " to " + tag;
      }
    }
  }

  /** Every operation in the order the executor sends them (held steps send nothing). */
  List<Op> operations() {
    List<Op> out = new ArrayList<>(removals);
    for (Step s : steps) {
      out.addAll(s.ops());
    }
    return out;
  }

  /**
   * The work of one round.
   *
   * @param applied what the reconciler knows of each inbound of the current core, by tag
   * @param desired the inbounds to run, in order
   * @param capabilities the core's flavor: it decides which inbounds hold a single fixed user
   *     ({@link Capabilities#singleUser}); such an inbound is rebuilt when its user changes (its
   *     fingerprint covers the user) and runs nothing while it has none
   * @param now the time of the round: an inbound whose backoff ends later is held
   * @param reassert the periodic resync: every desired user is added again and no inbound is held
   */
  static ReconcilePlan between(
      Map<String, AppliedInbound> applied,
      List<Want> desired,
      Flavor capabilities,
      Instant now,
      boolean reassert) {
    Map<String, Want> byTag = new LinkedHashMap<>();
    for (Want w : desired) {
      byTag.put(w.tag(), w);
    }
    List<Op.RemoveInbound> removals = new ArrayList<>();
    Set<String> removed = new HashSet<>();
    applied.forEach(
        (tag, a) -> {
          Want w = byTag.get(tag);
          if (a.inCore() && (w == null || !a.fingerprint().equals(w.fingerprint()))) {
            removals.add(new Op.RemoveInbound(tag));
            removed.add(tag);
          }
        });
    List<Step> steps = new ArrayList<>();
    for (Want w : byTag.values()) {
      boolean singleUser = Capabilities.singleUser(capabilities, w.inbound().endpoint().protocol());
      if (singleUser && w.inbound().users().isEmpty()) {
        continue; // a one-user inbound without its user cannot be built: nothing to run
      }
      AppliedInbound a = applied.getOrDefault(w.tag(), AppliedInbound.NONE);
      if (a.backingOff(now) && !reassert) {
        steps.add(new Step(w, true, List.of()));
      } else if (!a.inCore() || removed.contains(w.tag())) {
        steps.add(new Step(w, false, List.of(new Op.AddInbound(w))));
      } else if (singleUser) {
        steps.add(new Step(w, false, List.of())); // its user is in the fingerprint
      } else {
        steps.add(new Step(w, false, userOps(w, a.users(), reassert)));
      }
    }
    return new ReconcilePlan(removals, steps);
  }

  /**
   * Users gone or with another credential are removed; missing ones (all when reasserting) added.
   */
  private static List<Op> userOps(Want w, Map<String, String> have, boolean reassert) {
    String tag = w.tag();
    Map<String, InboundUser> want = w.inbound().users();
    List<Op> ops = new ArrayList<>();
    have.forEach(
        (email, credential) -> {
          InboundUser u = want.get(email);
          if (u == null || !u.credential().equals(credential)) {
            ops.add(new Op.RemoveUser(tag, email));
          }
        });
    for (InboundUser u : want.values()) {
      if (reassert || !u.credential().equals(have.get(u.email()))) {
        ops.add(new Op.AddUser(tag, u));
      }
    }
    return ops;
  }
}
