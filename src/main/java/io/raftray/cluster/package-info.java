/**
 * Raft replication for the cluster: Apache Ratis on a transport that rides the daemon's single
 * HTTPS port.
 *
 * <p>Entry points: {@link io.raftray.cluster.RaftNode} (start/stop a member, bounded writes,
 * linearizable reads, status), {@link io.raftray.cluster.RaftHttpService} (inbound routes the
 * daemon mounts at {@code /cluster/v1}) and {@link io.raftray.cluster.HttpsRpcType} with {@link
 * io.raftray.cluster.TransportParameters} (the Ratis plug-in).
 *
 * <p>Invariants:
 *
 * <ul>
 *   <li>Nothing here opens a listening socket; outbound calls use the caller's {@code HttpClient}
 *       (mTLS) and go to {@code {peer base URL}/cluster/v1/raft[/read-index]}, keeping any path
 *       prefix of the base URL.
 *   <li>Request bodies are protobuf envelopes from ratis-proto; server exceptions travel back as
 *       Java-serialized {@code IOException}s, decoded only through an allow-list filter.
 *   <li>Client requests addressed to this process's own server never leave the process.
 *   <li>The group id is a pure function of the cluster id; existing storage is always RECOVERed,
 *       never formatted.
 *   <li>No write or linearizable read waits longer than the configured write deadline plus one
 *       request timeout; then it fails with {@link io.raftray.cluster.ClusterUnavailableException}.
 * </ul>
 */
package io.raftray.cluster;
