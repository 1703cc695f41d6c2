/**
 * Raft replication for the cluster: Apache Ratis on a transport that rides the daemon's single
 * HTTPS port.
 *
 * <p>Entry points: {@link io.raftray.cluster.RaftNode} (start/stop a member, bounded writes,
 * linearizable reads, status), {@link io.raftray.cluster.RaftHttpService} (inbound routes the
 * daemon mounts at {@code /cluster/v1}) and {@link io.raftray.cluster.HttpsRpcType} with {@link
 * io.raftray.cluster.TransportParameters} (the Ratis plug-in), {@link
 * io.raftray.cluster.NodeRequestSigner} and {@link io.raftray.cluster.ClusterAuth} (node identity
 * on every {@code /cluster/v1/**} request, described in {@code docs/cluster-auth.md}).
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
 *   <li>Every request on {@code /cluster/v1/**} except the public {@code /ca} and {@code /join}
 *       carries a signature by the sending node's key over method, path (without any proxy prefix),
 *       sender id, timestamp, nonce and body hash; inbound requests are verified by {@link
 *       io.raftray.cluster.ClusterAuth} before their body is decoded. A direct mTLS client
 *       certificate, when present, must name the same node.
 *   <li>A sender the replicated state knows must not be REMOVED and must use the certificate serial
 *       and public key recorded for it (any voter holds the CA key, so a serial alone proves
 *       nothing). A sender the state does not know yet is accepted only if it is in this node's
 *       initial peer list and its certificate chains to this node's own cluster CA: that covers the
 *       fresh multi-node bootstrap, where the state is empty (or records only the first node) while
 *       the group already runs. Removal must therefore keep a REMOVED record, never delete it.
 *   <li>Timestamps more than the skew window (default 60 s) from this node's clock and nonces seen
 *       within the window are rejected; nonces are remembered in bounded memory per sender and
 *       journaled to disk before the request is served, so a restart does not forget them. v2
 *       signatures name the receiving node.
 *   <li>Only the Ratis requests raftray sends are dispatched from the network ({@code
 *       RaftRequestPolicy}): no group or snapshot management, configuration changes only as a node
 *       adding itself or dropping nodes the state marks removed.
 *   <li>A leader replicates with {@link io.raftray.cluster.PipelinedLogAppender} (the default), or
 *       with Ratis' default appender when the node turned pipelined replication off; the follower
 *       starts a pipelined leader's appends in the order it sent them ({@code AppendSequencer}),
 *       after the same authentication as every other request.
 *   <li>No write or linearizable read waits longer than the configured write deadline plus one
 *       request timeout; then it fails with {@link io.raftray.cluster.ClusterUnavailableException}.
 * </ul>
 */
package io.raftray.cluster;
