package io.raftray.webhook;

import io.raftray.model.Node;
import io.raftray.model.NodeStatus;
import io.raftray.model.User;
import io.raftray.model.UserStatus;
import io.raftray.state.Command.ObservedEvent;
import io.raftray.state.Replica;
import io.raftray.state.State;
import io.raftray.state.WebhookData;
import io.raftray.state.Webhooks;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the leader observes and the log does not say by itself (docs/webhooks.md, "Events"): a
 * follower that has not answered for {@code downAfter} ({@code node.down}) and answers again
 * ({@code node.up}); active users whose expiry is within the {@code expiring_days} setting ({@code
 * user.expiring}); node certificates that end within {@link #CERTIFICATE_WARNING} ({@code
 * certificate.expiring}). Pure: the dispatcher submits the result as one {@code webhook.observe},
 * whose rules drop what is already known (a node already down, a dedupe key already seen), so a new
 * leader that observes the same again makes no second event. Only types some enabled webhook wants
 * are observed, so an idle cluster writes nothing.
 */
final class EventObserver {
  static final Duration CERTIFICATE_WARNING = Duration.ofDays(14);

  /** At most this many users per observation: a bulk expiry is announced over a few rounds. */
  static final int MAX_USERS = 500;

  private EventObserver() {}

  static List<ObservedEvent> observe(
      State v, Optional<Replica.Progress> progress, String self, Instant now, Duration downAfter) {
    Webhooks w = v.webhooks();
    List<ObservedEvent> out = new ArrayList<>();
    if (!w.anyEnabled()) {
      return out;
    }
    if (progress.isPresent() && (w.anyWants("node.down") || w.anyWants("node.up"))) {
      progress
          .get()
          .peers()
          .forEach(
              (id, peer) -> {
                Node n = v.nodes().get(id);
                if (n == null || n.status() == NodeStatus.REMOVED || id.equals(self)) {
                  return;
                }
                boolean down = peer.lastContactMs() > downAfter.toMillis();
                boolean known = w.downNodes().contains(id);
                if (down != known) {
                  Map<String, Object> d = new LinkedHashMap<>();
                  d.put("node_id", id);
                  d.put("node_name", n.name());
                  d.put("last_contact_ms", peer.lastContactMs());
                  d.put("observed_by", self);
                  out.add(new ObservedEvent(down ? "node.down" : "node.up", id, d, null));
                }
              });
    }
    if (w.anyWants("user.expiring")) {
      Instant horizon = now.plus(Duration.ofDays(w.effectiveExpiringDays()));
      int n = 0;
      for (User u : v.users().values()) {
        Instant exp = u.expireAt();
        if (u.status() != UserStatus.ACTIVE || exp == null || !exp.isAfter(now)) {
          continue;
        }
        if (exp.isAfter(horizon) || notified(w, exp, u.id())) {
          continue;
        }
        Map<String, Object> d = WebhookData.user(u);
        d.put("days", w.effectiveExpiringDays());
        out.add(new ObservedEvent("user.expiring", u.id(), d, exp));
        if (++n >= MAX_USERS) {
          break;
        }
      }
    }
    if (w.anyWants("certificate.expiring")) {
      Instant horizon = now.plus(CERTIFICATE_WARNING);
      for (Node node : v.nodes().values()) {
        Instant end = node.certNotAfter();
        String subject = "node:" + node.id();
        if (node.status() == NodeStatus.REMOVED
            || end == null
            || !end.isAfter(now)
            || end.isAfter(horizon)
            || notified(w, end, subject)) {
          continue;
        }
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("certificate", "node");
        d.put("node_id", node.id());
        d.put("node_name", node.name());
        d.put("not_after", end.toString());
        out.add(new ObservedEvent("certificate.expiring", subject, d, end));
      }
    }
    return out;
  }

  private static boolean notified(Webhooks w, Instant until, String subject) {
    return w.notified().containsKey(WebhookData.dedupeKey(until, subject));
  }
}
