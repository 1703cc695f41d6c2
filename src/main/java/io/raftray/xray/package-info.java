/**
 * The node's local core (Xray or V2Ray): its gRPC API, the supervised process, the reconciler that
 * makes its inbounds and users match the replicated state, and the traffic collector.
 */
package io.raftray.xray;
