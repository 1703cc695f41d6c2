package io.raftray.api;

import io.raftray.api.Router.Access;
import io.raftray.model.AuditEvent;
import io.raftray.model.ErrorKind;
import io.raftray.model.FieldError;
import io.raftray.model.RaftrayException;
import io.raftray.state.State;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** {@code /audit}: newest first; the cursor is the {@code seq} of the last event of a page. */
final class AuditHandler {

  void routes(Router r) {
    r.get("/audit", Access.READ, this::list);
  }

  private void list(Call c) {
    Query q = c.query("actor", "action", "target");
    long before = Long.MAX_VALUE;
    if (q.cursor() != null) {
      try {
        before = Long.parseLong(q.cursor());
      } catch (NumberFormatException e) {
        before = -1;
      }
      if (before < 1) {
        throw new RaftrayException(
            ErrorKind.INVALID,
            "invalid query parameters",
            List.of(new FieldError("cursor", "must be the next_cursor of a previous page")));
      }
    }
    String actor = q.filter("actor");
    String action = q.filter("action");
    String target = q.filter("target");
    Predicate<AuditEvent> keep =
        e ->
            (actor == null || actor.equals(e.actor()))
                && (action == null || action.equals(e.action()))
                && (target == null || target.equals(e.target()));
    State s = c.read();
    List<AuditEvent> events = s.audit().newestFirst(keep, before, q.limit() + 1);
    boolean more = events.size() > q.limit();
    List<Object> items = new ArrayList<>();
    for (AuditEvent e : events.subList(0, Math.min(events.size(), q.limit()))) {
      items.add(Views.audit(e));
    }
    String next = more ? Long.toString(events.get(q.limit() - 1).seq()) : null;
    c.reply(200, Query.list(items, next), s);
  }
}
