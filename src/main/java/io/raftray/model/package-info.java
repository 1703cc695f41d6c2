/**
 * Domain records of Raftray: nodes, endpoints, users, grants, admin tokens and audit events; the
 * error vocabulary ({@link io.raftray.model.ErrorKind}, {@link io.raftray.model.RaftrayException},
 * {@link io.raftray.model.Causes}); and the few helpers every package shares ({@code Json}, {@code
 * Ids}, {@code Digests}, {@code FailureStreak}, {@code Threads}).
 *
 * <p>Invariants: every record is immutable (collections are copied into unmodifiable ones); records
 * carry no behaviour that reads a clock, randomness or I/O, so the state machine that holds them
 * stays deterministic. Field names map to the snake_case JSON of the public API.
 */
package io.raftray.model;
