/**
 * The node's local core (Xray or V2Ray): its gRPC API, the supervised process, the reconciler that
 * makes its inbounds and users match the replicated state, and the traffic collector.
 *
 * <p>Process supervision ({@link io.raftray.xray.XraySupervisor}): at most one core runs per data
 * directory (a core left by a killed daemon is adopted, never doubled); the managed config holds
 * only the API, so endpoints and users change without a restart; every state transition runs on the
 * supervisor's single thread and {@link io.raftray.xray.CoreListener}s hear about them there, in
 * order. See {@code docs/data-plane.md}, "Running the core".
 */
package io.raftray.xray;
