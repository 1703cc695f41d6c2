package io.raftray.cluster;

/** No Raft leader could be reached (or no quorum answered) before the deadline. */
public final class ClusterUnavailableException extends RuntimeException {

  public ClusterUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
