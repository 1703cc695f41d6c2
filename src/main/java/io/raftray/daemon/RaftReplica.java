package io.raftray.daemon;

import io.raftray.cluster.ClusterUnavailableException;
import io.raftray.cluster.RaftNode;
import io.raftray.model.ErrorKind;
import io.raftray.model.RaftrayException;
import io.raftray.state.Authority;
import io.raftray.state.Command;
import io.raftray.state.CommandCodec;
import io.raftray.state.CommandEnvelope;
import io.raftray.state.RaftrayStateMachine;
import io.raftray.state.Replica;
import io.raftray.state.Result;
import io.raftray.state.State;
import io.raftray.state.Submission;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.exceptions.StateMachineException;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.jspecify.annotations.NullMarked;
import org.jspecify.annotations.Nullable;

/** {@link Replica} over Ratis: writes go through the leader, reads come from the local view. */
@NullMarked
final class RaftReplica implements Replica {
  private final RaftNode raft;
  private final RaftrayStateMachine sm;
  private final Duration timeout;
  private final Supplier<Optional<String>> removedNotice;

  RaftReplica(RaftNode raft, RaftrayStateMachine sm, Duration timeout) {
    this(raft, sm, timeout, Optional::empty);
  }

  RaftReplica(
      RaftNode raft,
      RaftrayStateMachine sm,
      Duration timeout,
      Supplier<Optional<String>> removedNotice) {
    this.raft = raft;
    this.sm = sm;
    this.timeout = timeout;
    this.removedNotice = removedNotice;
  }

  @Override
  public State view() {
    return sm.view();
  }

  @Override
  public Result submit(String actor, Command command) {
    return submit(actor, null, command);
  }

  @Override
  public Result submit(String actor, @Nullable String credential, Command command) {
    // The leader checks the submitting node against the node that signed the request, and the
    // credential against the replicated token hashes; it logs the envelope alone.
    byte[] data =
        CommandCodec.encodeSubmission(
            Submission.of(raft.id().toString(), credential, CommandEnvelope.of(actor, command)));
    Message reply;
    try {
      reply = raft.submit(Message.valueOf(ByteString.copyFrom(data)));
    } catch (ClusterUnavailableException | UncheckedIOException e) {
      // A refusal by the leader ends the client's retries at once (RatisSettings) and arrives as
      // the cause; anything else means no leader committed it.
      throw refusal(e)
          .orElseGet(() -> new RaftrayException(ErrorKind.UNAVAILABLE, e.getMessage(), e));
    }
    Result result;
    try {
      result = CommandCodec.decodeResult(reply.getContent().toByteArray());
    } catch (IOException e) {
      throw new RaftrayException(ErrorKind.UNAVAILABLE, "unreadable reply from the leader", e);
    }
    awaitLocal(result.index());
    return result;
  }

  /** The leader's refusal of a submission ({@link Authority.Refused}) as a 403, if it is one. */
  static Optional<RaftrayException> refusal(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      String m = t.getMessage();
      if (!(t instanceof StateMachineException) || m == null) {
        continue;
      }
      int at = m.indexOf(Authority.Refused.MARKER);
      if (at >= 0) {
        String reason = m.substring(at + Authority.Refused.MARKER.length());
        return Optional.of(
            new RaftrayException(ErrorKind.FORBIDDEN, "the leader refused the write: " + reason));
      }
    }
    return Optional.empty();
  }

  private void awaitLocal(long index) {
    try {
      if (sm.awaitApplied(index, timeout).appliedIndex() < index) {
        throw new RaftrayException(
            ErrorKind.UNAVAILABLE,
            "write committed but this node has not applied it within " + timeout.toSeconds() + "s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RaftrayException(ErrorKind.UNAVAILABLE, "interrupted", e);
    }
  }

  @Override
  public State linearizableView() {
    try {
      raft.awaitLinearizable();
    } catch (ClusterUnavailableException e) {
      throw new RaftrayException(ErrorKind.UNAVAILABLE, e.getMessage(), e);
    }
    return sm.view();
  }

  @Override
  public RaftStatus status() {
    List<String> members =
        raft.peers().stream().map(RaftPeer::getId).map(Object::toString).toList();
    return new RaftStatus(
        raft.id().toString(),
        raft.leaderId().map(Object::toString),
        raft.term(),
        raft.role(),
        raft.commitIndex(),
        sm.view().appliedIndex(),
        members);
  }

  @Override
  public void removeVoter(String nodeId) {
    try {
      raft.removeVoter(nodeId);
    } catch (IOException | ClusterUnavailableException e) {
      throw new RaftrayException(
          ErrorKind.UNAVAILABLE,
          "removing " + nodeId + " from the raft group did not complete: " + e.getMessage(),
          e);
    }
  }

  @Override
  public void transferLeadership(String nodeId, Duration timeout) {
    try {
      raft.transferLeadership(nodeId, timeout);
    } catch (IOException | ClusterUnavailableException e) {
      throw new RaftrayException(
          ErrorKind.UNAVAILABLE,
          "leadership did not move to "
              + nodeId
              + " within "
              + timeout.toSeconds()
              + "s: "
              + e.getMessage(),
          e);
    }
  }

  @Override
  public Optional<String> halted() {
    return sm.halted();
  }

  @Override
  public Optional<String> removedNotice() {
    return removedNotice.get();
  }

  @Override
  public Optional<Progress> progress() {
    RaftNode.Progress p = raft.progress();
    Map<String, Peer> peers = new LinkedHashMap<>();
    p.peers().forEach((id, v) -> peers.put(id, new Peer(v.matchIndex(), v.lastContactMs())));
    return Optional.of(new Progress(p.viewFrom(), p.commitIndex(), peers));
  }

  Optional<String> leader() {
    return raft.leaderId().map(Object::toString);
  }
}
