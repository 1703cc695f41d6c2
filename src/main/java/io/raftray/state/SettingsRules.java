package io.raftray.state;

import static io.raftray.model.ErrorKind.INVALID;

import io.raftray.model.ClusterSettings;
import io.raftray.model.Device;

/**
 * {@code settings.update}: cluster-wide settings (audit retention, default device limit, hwid
 * required), merged field by field in apply.
 */
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
    Integer limit = u.hwidDeviceLimit();
    if (limit != null && (limit < 0 || limit > Device.HARD_CAP)) {
      throw new Store.Rejection(
          INVALID, "hwid_device_limit", "hwid_device_limit must be 0-" + Device.HARD_CAP);
    }
    ClusterSettings cur = s.settings();
    ClusterSettings next =
        new ClusterSettings(
            retention != null ? retention : cur.auditRetention(),
            limit != null ? limit : cur.hwidDeviceLimit(),
            u.hwidRequired() != null ? u.hwidRequired() : cur.hwidRequired());
    return new Store.Changed(s.toBuilder().settings(next).build(), "settings");
  }
}
