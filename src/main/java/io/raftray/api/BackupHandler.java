package io.raftray.api;

import io.raftray.api.Router.Access;
import io.raftray.state.SnapshotCodec;
import io.raftray.state.State;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * {@code GET /backup} (owner only): the snapshot bytes of ONE applied view (every view is
 * immutable, so the file is consistent at its index however many writes run meanwhile), by default
 * a linearizable one (a Raft ReadIndex first, so it holds every acknowledged write; {@code
 * ?consistency=local} takes this node's view as it is, e.g. on a node cut off from the majority).
 * Headers: {@code X-Raftray-Applied-Index}, {@code X-Raftray-Backup-Sha256} (over the body), {@code
 * X-Raftray-Backup-Users}. The format is {@code state/BackupFile}'s; docs/operations.md, "Backups".
 */
final class BackupHandler {
  static final String SHA256 = "X-Raftray-Backup-Sha256";
  static final String USERS = "X-Raftray-Backup-Users";

  void routes(Router r) {
    r.get("/backup", Access.BACKUP, this::backup);
  }

  private void backup(Call c) {
    boolean local = c.request().query().contains("consistency") && !c.query().linearizable();
    State s = local ? c.deps().replica().view() : c.deps().replica().linearizableView();
    try {
      // Length and checksum first (two encoding passes), then the bytes straight to the client:
      // a snapshot of 100,000 users with their history is 150 MiB, which the heap need not hold.
      SnapshotCodec.Sized snapshot = SnapshotCodec.sized(s);
      c.response().header(SHA256, snapshot.sha256Hex());
      c.response().header(USERS, Integer.toString(s.users().size()));
      c.response()
          .header(
              "Content-Disposition",
              "attachment; filename=\"raftray-backup-" + s.appliedIndex() + ".snapshot\"");
      c.replyStream(200, "application/octet-stream", snapshot.length(), snapshot::writeTo, s);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode or send the state", e);
    }
  }
}
