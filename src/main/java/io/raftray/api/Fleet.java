package io.raftray.api;

import io.raftray.model.ErrorKind;
import io.raftray.model.Node;
import io.raftray.model.RaftrayException;
import java.time.Duration;

/**
 * What the API asks of one member's host (fleet visibility): its host report, its recent log lines
 * and a core restart. The daemon answers for its own node directly and relays the others over the
 * cluster channel ({@code /cluster/v1/host/*}); none of it is a Raft write. Each method answers the
 * member's JSON or throws a {@link RaftrayException}: INVALID or CONFLICT as the member answered
 * them, UNAVAILABLE when it did not answer.
 */
public interface Fleet {
  byte[] report(Node node, Duration timeout);

  byte[] logs(Node node, String source, int tail, Duration timeout);

  byte[] restartCore(Node node, Duration timeout);

  /** No host reports (API tests without a daemon): every call is UNAVAILABLE. */
  Fleet NONE =
      new Fleet() {
        @Override
        public byte[] report(Node node, Duration timeout) {
          throw none();
        }

        @Override
        public byte[] logs(Node node, String source, int tail, Duration timeout) {
          throw none();
        }

        @Override
        public byte[] restartCore(Node node, Duration timeout) {
          throw none();
        }

        private RaftrayException none() {
          return new RaftrayException(ErrorKind.UNAVAILABLE, "host reports are not available here");
        }
      };
}
