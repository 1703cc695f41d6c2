package io.raftray.daemon;

import io.raftray.state.Command;
import io.raftray.state.Replica;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * A failed scheduled backup becomes a {@code backup.failed} webhook event: this node submits it as
 * {@code webhook.observe} (only when some webhook wants it, so an unused feature writes nothing).
 */
final class BackupFailures {
  private static final Logger LOG = Logger.getLogger(BackupFailures.class.getName());

  private BackupFailures() {}

  static void report(Replica replica, String nodeId, String nodeName, String why) {
    try {
      if (!replica.view().webhooks().anyWants("backup.failed")) {
        return;
      }
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("node_id", nodeId);
      d.put("node_name", nodeName);
      d.put("error", why);
      replica.submit(
          nodeId,
          new Command.ObserveEvents(
              List.of(new Command.ObservedEvent("backup.failed", nodeId, d, null))));
    } catch (RuntimeException e) {
      LOG.fine("backup.failed event not recorded: " + e.getMessage());
    }
  }
}
