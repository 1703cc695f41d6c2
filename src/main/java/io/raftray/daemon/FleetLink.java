package io.raftray.daemon;

import io.raftray.api.Fleet;
import io.raftray.cluster.HostClient;
import io.raftray.cluster.MemberClient;
import io.raftray.model.ErrorKind;
import io.raftray.model.Node;
import io.raftray.model.RaftrayException;
import java.io.IOException;
import java.time.Duration;
import org.jspecify.annotations.NullMarked;

/**
 * The API's {@link Fleet}: this node answers for itself ({@link LocalHost}) without a network hop;
 * every other member is asked over {@code /cluster/v1/host/*} ({@link HostClient}). A member's 400
 * and 409 pass through as they were; anything else it answers, and no answer, are 503.
 */
@NullMarked
final class FleetLink implements Fleet {
  private final String self;
  private final LocalHost local;
  private final HostClient client;

  FleetLink(String self, LocalHost local, HostClient client) {
    this.self = self;
    this.local = local;
    this.client = client;
  }

  @Override
  public byte[] report(Node node, Duration timeout) {
    if (node.id().equals(self)) {
      return local.report();
    }
    return relay(node, () -> client.report(node, timeout));
  }

  @Override
  public byte[] logs(Node node, String source, int tail, Duration timeout) {
    if (node.id().equals(self)) {
      return local.logs(source, tail);
    }
    return relay(node, () -> client.logs(node, source, tail, timeout));
  }

  @Override
  public byte[] restartCore(Node node, Duration timeout) {
    if (node.id().equals(self)) {
      return local.restartCore();
    }
    return relay(node, () -> client.restartCore(node, timeout));
  }

  private interface Call {
    byte[] run() throws IOException;
  }

  private static byte[] relay(Node node, Call call) {
    try {
      return call.run();
    } catch (MemberClient.Refused e) {
      ErrorKind kind =
          switch (e.status()) {
            case 400 -> ErrorKind.INVALID;
            case 409 -> ErrorKind.CONFLICT;
            default -> ErrorKind.UNAVAILABLE;
          };
      throw new RaftrayException(kind, "node " + node.name() + " " + e.getMessage(), e);
    } catch (IOException e) {
      String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      throw new RaftrayException(
          ErrorKind.UNAVAILABLE, "node " + node.name() + " did not answer: " + why, e);
    }
  }
}
