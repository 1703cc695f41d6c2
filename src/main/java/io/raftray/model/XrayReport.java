package io.raftray.model;

import java.time.Instant;

/**
 * The health of a node's core as that node last reported it (replicated, so every node shows every
 * node's core). {@code status} is a supervisor state ({@code running}, {@code restarting}, ...);
 * {@code flavor} ({@code xray} or {@code v2ray}) and {@code version} are null when unknown. {@code
 * updatedAt} is the leader's stamp of the report.
 */
public record XrayReport(
    String status, String flavor, String version, String detail, Instant updatedAt) {}
