package io.raftray.cluster;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Hands the AppendEntries of a pipelined leader to Ratis in the order the leader sent them.
 *
 * <p>The pipelined appender ({@link PipelinedLogAppender}) keeps several appends in flight per
 * follower, each its own HTTPS request. The listener serves requests concurrently (each on its own
 * virtual thread, over several HTTP/1.1 connections or HTTP/2 streams), so they may reach this node
 * in any order; a follower that receives entry batch {@code k+1} before batch {@code k} answers
 * INCONSISTENCY and the leader has to resend everything. Each pipelined append therefore carries an
 * {@link Stamp}: the leader's term, a stream number that grows each time the leader resets its
 * window, and a sequence number within the stream. Per sender this class keeps the newest stream
 * and the next sequence number, and
 *
 * <ul>
 *   <li>starts the append that is next (calls {@code appendEntriesAsync}, which checks and queues
 *       the entries and returns at once) and then wakes the waiting successor;
 *   <li>lets an append that is ahead wait, at most {@link #maxWait}, for its predecessors; after
 *       that it is started anyway (the predecessor was lost) and the stream moves on;
 *   <li>starts at once an append of an older stream or term, or one whose number was already passed
 *       (late after a skip): ordering is only about speed, since Ratis checks every append against
 *       its log, so an append out of order is answered INCONSISTENCY or is a no-op, never applied
 *       wrongly;
 *   <li>resets on a newer stream or term: waiters of the old stream are released at once.
 * </ul>
 *
 * <p>Only the start of an append is ordered; its completion (the follower's fsync) runs in parallel
 * with later appends, which is the point of the pipeline.
 */
final class AppendSequencer {
  /** Which stream an append belongs to and where it stands in it. */
  record Stamp(long term, long stream, long seq) {
    int compareStream(long otherTerm, long otherStream) {
      int c = Long.compare(term, otherTerm);
      return c != 0 ? c : Long.compare(stream, otherStream);
    }
  }

  /** Starts one append; returns its reply future. */
  @FunctionalInterface
  interface Start<R> {
    CompletableFuture<R> start() throws IOException;
  }

  private final Duration maxWait;
  private final Map<String, Lane> lanes = new ConcurrentHashMap<>();

  AppendSequencer(Duration maxWait) {
    this.maxWait = Objects.requireNonNull(maxWait, "maxWait");
  }

  /**
   * Starts {@code append} (sent by {@code sender} with {@code stamp}) in stream order and returns
   * its future; blocks the calling (virtual) thread while its predecessors are missing.
   */
  <R> CompletableFuture<R> submit(String sender, Stamp stamp, Start<R> append)
      throws IOException, InterruptedException {
    return lanes.computeIfAbsent(sender, s -> new Lane()).submit(stamp, append);
  }

  /** Per-sender state: the newest stream seen and the next sequence number to start. */
  private final class Lane {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition moved = lock.newCondition();
    private long term = Long.MIN_VALUE;
    private long stream = Long.MIN_VALUE;
    private long next;

    <R> CompletableFuture<R> submit(Stamp s, Start<R> append)
        throws IOException, InterruptedException {
      lock.lock();
      try {
        int c = s.compareStream(term, stream);
        if (c < 0) {
          return append.start(); // an older stream: unordered, Ratis sorts it out
        }
        if (c > 0) {
          term = s.term();
          stream = s.stream();
          next = 0;
          moved.signalAll();
        }
        long deadline = System.nanoTime() + maxWait.toNanos();
        while (s.seq() > next && sameStream(s)) {
          long left = deadline - System.nanoTime();
          if (left <= 0) {
            next = s.seq(); // the predecessors are lost: move on
            break;
          }
          moved.awaitNanos(left);
        }
        if (!sameStream(s) || s.seq() < next) {
          return append.start(); // superseded while waiting, or late after a skip
        }
        try {
          return append.start();
        } finally {
          next = s.seq() + 1;
          moved.signalAll();
        }
      } finally {
        lock.unlock();
      }
    }

    private boolean sameStream(Stamp s) {
      return s.term() == term && s.stream() == stream;
    }
  }
}
