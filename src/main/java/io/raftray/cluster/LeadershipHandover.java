package io.raftray.cluster;

import java.io.IOException;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * The first step of a clean stop: a leader hands leadership to its most up-to-date healthy
 * follower, so the others need not wait out an election timeout to find a new leader. Bounded:
 * whatever happens, {@link #run} returns within about its timeout.
 */
final class LeadershipHandover {
  /** How often the leader looks whether it has stepped down while the transfer runs. */
  private static final Duration POLL = Duration.ofMillis(10);

  private LeadershipHandover() {}

  static RaftNode.Handover run(RaftNode node, Duration timeout, Duration healthyWithin) {
    if (!node.role().equals("LEADER")) {
      return new RaftNode.Handover(RaftNode.Handover.Outcome.NOT_LEADER, "not the leader");
    }
    String self = node.id().toString();
    List<String> others = node.voterIds().stream().filter(id -> !id.equals(self)).toList();
    if (others.isEmpty()) {
      return new RaftNode.Handover(RaftNode.Handover.Outcome.NO_OTHER_VOTER, "the only voter");
    }
    Optional<String> target = successor(node.progress().peers(), others, healthyWithin);
    if (target.isEmpty()) {
      return failed("no follower answered within the last " + healthyWithin.toMillis() + " ms");
    }
    String to = target.get();
    long term = node.term();
    CompletableFuture<Void> reply = new CompletableFuture<>();
    Thread.ofVirtual()
        .name("raft-handover")
        .start(
            () -> {
              try {
                node.transferLeadership(to, timeout);
                reply.complete(null);
              } catch (IOException | RuntimeException e) {
                reply.completeExceptionally(e);
              }
            });
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (reply.isDone()) {
        return answered(reply, to, term);
      }
      // Stepped down: a higher term reached this node, so someone else leads or is being elected.
      // Ratis completes the transfer only once this node hears from the new leader, which it may
      // not (e.g. its inbound connections are already cut), so do not wait for that.
      // Right after stepping down this node may still name itself as the leader: only a leader
      // other than itself is news.
      if (!node.role().equals("LEADER")) {
        String now =
            node.leaderId().map(Object::toString).filter(id -> !id.equals(self)).orElse(to);
        return handedOver(now, term);
      }
      try {
        Thread.sleep(POLL);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return failed("interrupted while handing leadership to " + to);
      }
    }
    return reply.isDone()
        ? answered(reply, to, term)
        : failed("no answer from " + to + " within " + timeout.toMillis() + " ms");
  }

  /**
   * The follower with the highest match index among those that answered the leader within {@code
   * healthyWithin}; on a tie the one heard from most recently.
   */
  static Optional<String> successor(
      Map<String, RaftNode.Peer> peers, List<String> voters, Duration healthyWithin) {
    return peers.entrySet().stream()
        .filter(e -> voters.contains(e.getKey()))
        .filter(e -> e.getValue().matchIndex() != null)
        .filter(e -> e.getValue().lastContactMs() < healthyWithin.toMillis())
        .max(
            Comparator.<Map.Entry<String, RaftNode.Peer>>comparingLong(
                    e -> e.getValue().matchIndex())
                .thenComparingLong(e -> -e.getValue().lastContactMs()))
        .map(Map.Entry::getKey);
  }

  private static RaftNode.Handover answered(CompletableFuture<Void> reply, String to, long term) {
    try {
      reply.get();
      return handedOver(to, term);
    } catch (ExecutionException e) {
      Throwable c = e.getCause() == null ? e : e.getCause();
      return failed("transfer to " + to + " failed: " + c.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return failed("interrupted while handing leadership to " + to);
    }
  }

  private static RaftNode.Handover handedOver(String to, long term) {
    return new RaftNode.Handover(
        RaftNode.Handover.Outcome.HANDED_OVER, "to " + to + " after term " + term);
  }

  private static RaftNode.Handover failed(String why) {
    return new RaftNode.Handover(RaftNode.Handover.Outcome.FAILED, why);
  }
}
