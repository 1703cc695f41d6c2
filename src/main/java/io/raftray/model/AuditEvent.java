package io.raftray.model;

import java.time.Instant;

/**
 * One accepted write. {@code seq} is the Raft log index of the command, so ids are unique and
 * ordered cluster-wide.
 */
public record AuditEvent(
    long seq, Instant at, String actor, String action, String target, String summary) {}
