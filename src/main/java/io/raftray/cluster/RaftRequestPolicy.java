package io.raftray.cluster;

import io.raftray.model.Node;
import io.raftray.model.NodeStatus;
import io.raftray.state.CommandCodec;
import io.raftray.state.State;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.ratis.proto.RaftProtos.RaftClientRequestProto;
import org.apache.ratis.proto.RaftProtos.RaftPeerProto;
import org.apache.ratis.proto.RaftProtos.RaftRpcRequestProto;
import org.apache.ratis.proto.RaftProtos.SetConfigurationRequestProto;
import org.apache.ratis.proto.netty.NettyProtos.RaftNettyServerRequestProto;

/**
 * Which Ratis requests an authenticated member may send over the network: only what Raftray's own
 * nodes send. Everything else a Ratis server would serve (group add/remove, which deletes Raft
 * storage, snapshot management, pausing elections, group listings, data streams) is refused, so a
 * member cannot drive another member's Raft server beyond the protocol.
 *
 * <ul>
 *   <li>vote, append, install snapshot, start election: server-to-server, and the request must name
 *       the authenticated sender as its requestor (a member cannot speak as another);
 *   <li>client writes and reads (followers forward writes; ReadIndex); a write must name the
 *       signing node as its submitter, which the leader's state machine then checks the command
 *       against;
 *   <li>leadership transfer (the admin API on a follower);
 *   <li>group info, read only (a follower asks the leader how recently every follower answered it,
 *       for {@code GET /api/v1/cluster} on the follower);
 *   <li>configuration changes only as Raftray makes them: a node adding itself ({@code ADD} with
 *       just itself, the last step of its join), or a compare-and-set that only drops nodes the
 *       replicated state marks {@code removed}, sent by an active member (node removal).
 * </ul>
 *
 * <p>Requests this node's own client sends to its own server skip the network and this policy.
 */
final class RaftRequestPolicy {
  private RaftRequestPolicy() {}

  /** Why {@code p} from {@code sender} is refused; empty when it may be dispatched. */
  static Optional<String> refusal(RaftNettyServerRequestProto p, String sender, State state) {
    return switch (p.getRaftNettyServerRequestCase()) {
      case REQUESTVOTEREQUEST -> requestor(p.getRequestVoteRequest().getServerRequest(), sender);
      case APPENDENTRIESREQUEST ->
          requestor(p.getAppendEntriesRequest().getServerRequest(), sender);
      case INSTALLSNAPSHOTREQUEST ->
          requestor(p.getInstallSnapshotRequest().getServerRequest(), sender);
      case STARTLEADERELECTIONREQUEST ->
          requestor(p.getStartLeaderElectionRequest().getServerRequest(), sender);
      case RAFTCLIENTREQUEST -> client(p.getRaftClientRequest(), sender);
      case SETCONFIGURATIONREQUEST -> configuration(p.getSetConfigurationRequest(), sender, state);
      case TRANSFERLEADERSHIPREQUEST, GROUPINFOREQUEST -> Optional.empty();
      case GROUPMANAGEMENTREQUEST,
          GROUPLISTREQUEST,
          SNAPSHOTMANAGEMENTREQUEST,
          LEADERELECTIONMANAGEMENTREQUEST,
          RAFTNETTYSERVERREQUEST_NOT_SET ->
          Optional.of(
              p.getRaftNettyServerRequestCase().name().toLowerCase(java.util.Locale.ROOT)
                  + " is not accepted from the network");
    };
  }

  private static Optional<String> requestor(RaftRpcRequestProto header, String sender) {
    return header.getRequestorId().toStringUtf8().equals(sender)
        ? Optional.empty()
        : Optional.of("raft request names another sender than the signing node");
  }

  private static Optional<String> client(RaftClientRequestProto r, String sender) {
    return switch (r.getTypeCase()) {
      case WRITE -> submitter(r, sender);
      case READ, STALEREAD, WATCH -> Optional.empty();
      default ->
          Optional.of(
              "raft client request of type "
                  + r.getTypeCase().name().toLowerCase(java.util.Locale.ROOT)
                  + " is not accepted from the network");
    };
  }

  /**
   * A write must be a {@link io.raftray.state.Submission} naming the signing node as its submitter:
   * the leader then checks the command against that node ({@link io.raftray.state.Authority}).
   */
  private static Optional<String> submitter(RaftClientRequestProto r, String sender) {
    Optional<String> node = CommandCodec.submitter(r.getMessage().getContent().toByteArray());
    if (node.isEmpty()) {
      return Optional.of("a raft write must be a submission that names its node");
    }
    return node.get().equals(sender)
        ? Optional.empty()
        : Optional.of("a raft write names another submitting node than the signing node");
  }

  private static Optional<String> configuration(
      SetConfigurationRequestProto r, String sender, State state) {
    if (r.getListenersCount() > 0 || r.getCurrentListenersCount() > 0) {
      return Optional.of("raft listeners are not used by raftray");
    }
    Set<String> next = ids(r.getPeersList());
    return switch (r.getMode()) {
      case ADD ->
          next.equals(Set.of(sender))
              ? Optional.empty()
              : Optional.of("a node may only add itself to the raft group");
      case COMPARE_AND_SET -> removal(ids(r.getCurrentPeersList()), next, sender, state);
      default -> Optional.of("this raft configuration change is not accepted from the network");
    };
  }

  private static Optional<String> removal(
      Set<String> current, Set<String> next, String sender, State state) {
    Node s = state.nodes().get(sender);
    if (s == null || s.status() != NodeStatus.ACTIVE) {
      return Optional.of("only an active member may remove nodes from the raft group");
    }
    if (!current.containsAll(next) || next.isEmpty()) {
      return Optional.of("a configuration change may only drop members");
    }
    Set<String> dropped = new HashSet<>(current);
    dropped.removeAll(next);
    for (String id : dropped) {
      Node n = state.nodes().get(id);
      if (n == null || n.status() != NodeStatus.REMOVED) {
        return Optional.of("only nodes removed in the replicated state may leave the group");
      }
    }
    return Optional.empty();
  }

  private static Set<String> ids(List<RaftPeerProto> peers) {
    return peers.stream().map(p -> p.getId().toStringUtf8()).collect(Collectors.toSet());
  }
}
