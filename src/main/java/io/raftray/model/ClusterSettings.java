package io.raftray.model;

import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * Cluster-wide settings held in the replicated state, so every replica applies the same ones.
 * {@code auditRetention} is how many audit events the state keeps (the oldest whole chunks go
 * first); null means the default.
 */
public record ClusterSettings(Integer auditRetention) {
  public static final int DEFAULT_AUDIT_RETENTION = 10_000;
  public static final int MIN_AUDIT_RETENTION = 100;
  public static final int MAX_AUDIT_RETENTION = 1_000_000;

  private static final ClusterSettings DEFAULTS = new ClusterSettings(null);

  public static ClusterSettings defaults() {
    return DEFAULTS;
  }

  /** The retention in effect. */
  public int effectiveAuditRetention() {
    return auditRetention == null ? DEFAULT_AUDIT_RETENTION : auditRetention;
  }

  @JsonIgnore
  public boolean isDefault() {
    return auditRetention == null;
  }
}
