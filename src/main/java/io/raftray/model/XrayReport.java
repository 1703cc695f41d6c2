package io.raftray.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * The health of a node's core as that node last reported it (replicated, so every node shows every
 * node's core). {@code status} is a supervisor state ({@code running}, {@code restarting}, ...);
 * {@code flavor} ({@code xray} or {@code v2ray}) and {@code version} are null when unknown. {@code
 * updatedAt} is the leader's stamp of the report.
 *
 * <p>{@code reports} counts the node's status reports: a core that keeps restarting shows up here,
 * as node state, not as audit events. It is null for reports logged before it existed (they were
 * audit events, and replaying them must give the same state), so it is omitted when null.
 */
public record XrayReport(
    String status,
    String flavor,
    String version,
    String detail,
    Instant updatedAt,
    @JsonInclude(JsonInclude.Include.NON_NULL) Long reports) {
  /** A report that is not counted (as every report was before the count existed). */
  public XrayReport(
      String status, String flavor, String version, String detail, Instant updatedAt) {
    this(status, flavor, version, detail, updatedAt, null);
  }
}
