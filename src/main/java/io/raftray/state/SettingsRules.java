package io.raftray.state;

import static io.raftray.model.ErrorKind.INVALID;

import io.raftray.model.ClusterSettings;

/** {@code settings.update}: cluster-wide settings, merged field by field in apply. */
final class SettingsRules {
  private SettingsRules() {}

  static Store.Changed update(State s, Command.UpdateSettings u) {
    Integer retention = u.auditRetention();
    if (retention != null
        && (retention < ClusterSettings.MIN_AUDIT_RETENTION
            || retention > ClusterSettings.MAX_AUDIT_RETENTION)) {
      throw new Store.Rejection(
          INVALID,
          "audit_retention",
          "audit_retention must be between "
              + ClusterSettings.MIN_AUDIT_RETENTION
              + " and "
              + ClusterSettings.MAX_AUDIT_RETENTION);
    }
    ClusterSettings next =
        new ClusterSettings(retention != null ? retention : s.settings().auditRetention());
    return new Store.Changed(s.toBuilder().settings(next).build(), "settings");
  }
}
