package io.raftray.cluster;

/** {@link RaftClusterIT} with {@link PipelinedLogAppender} on every node. */
class PipelinedRaftClusterIT extends RaftClusterIT {
  @Override
  boolean pipelined() {
    return true;
  }
}
