/**
 * Replicated state: commands, the pure {@link io.raftray.state.Store} that applies them, the
 * immutable {@link io.raftray.state.State} view, snapshots, and the thin Ratis state machine
 * adapter. {@code Store} handles the envelope and dispatches each command to the rules class of its
 * entity ({@code UserRules}, {@code EndpointRules}, ...); {@code SnapshotCodec} writes one section
 * per part of the state; a command's {@code @Action} is both its log type name and its audit
 * action.
 *
 * <p>Invariants: applying a command reads no clock, randomness or I/O (time comes from the
 * leader-stamped {@link io.raftray.state.CommandEnvelope#at()}, ids and secrets are generated
 * before submission), so every replica reaches the same state. Business rejections are {@link
 * io.raftray.state.Result}s, never exceptions. A published {@code State} is never mutated; readers
 * get it without locks while the next one is built.
 */
package io.raftray.state;
