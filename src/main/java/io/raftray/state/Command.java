package io.raftray.state;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.annotation.JsonTypeIdResolver;
import io.raftray.model.Admin;
import io.raftray.model.AdminSession;
import io.raftray.model.AdminToken;
import io.raftray.model.BulkAction;
import io.raftray.model.Endpoint;
import io.raftray.model.Enums;
import io.raftray.model.Grant;
import io.raftray.model.Group;
import io.raftray.model.GroupSelector;
import io.raftray.model.Node;
import io.raftray.model.NodeRole;
import io.raftray.model.ResetStrategy;
import io.raftray.model.Role;
import io.raftray.model.SubscriptionSettings;
import io.raftray.model.User;
import io.raftray.model.UserCredentials;
import io.raftray.model.UserStatus;
import io.raftray.model.UserTemplate;
import io.raftray.model.Webhook;
import io.raftray.model.WebhookDelivery;
import io.raftray.model.WebhookUrls;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A change to the replicated state. Commands are verbs; everything random (ids, secrets,
 * credentials, key pairs) is inside the command already. Nullable fields of update commands mean
 * "leave unchanged".
 *
 * <p>A command is named once, by its {@link Action}: that is its audit action and its JSON type
 * name in the log ({@link CommandTypes}), so it is part of the log format: never rename one. Record
 * components are JSON fields in declaration order: append new ones at the end, nullable.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.CUSTOM, property = "type")
@JsonTypeIdResolver(CommandTypes.class)
public sealed interface Command {

  /** Audit action name, e.g. {@code user.create}. */
  default String action() {
    return CommandTypes.name(getClass());
  }

  /** Audit summary; must never contain a secret. */
  String summary();

  /** Creates the cluster: the first entry of every log. */
  @Action(value = "bootstrap", by = Origin.BOOTSTRAP)
  record Bootstrap(String clusterId, String caCertPem, Node node, AdminToken owner)
      implements Command {
    @Override
    public String summary() {
      return "cluster " + clusterId + " created with node " + node.name();
    }
  }

  @Action(value = "user.create", by = Origin.ADMIN)
  record CreateUser(User user) implements Command {
    @Override
    public String summary() {
      return "created user " + user.name();
    }
  }

  @Action(value = "user.update", by = Origin.ADMIN)
  record UpdateUser(
      String id,
      String name,
      String note,
      UserStatus status,
      Long dataLimitBytes,
      boolean setExpireAt,
      Instant expireAt,
      ResetStrategy resetStrategy,
      Long onHoldExpireSeconds,
      @JsonInclude(JsonInclude.Include.NON_NULL) UserCredentials credentials,
      @JsonInclude(JsonInclude.Include.NON_NULL) List<String> groupIds,
      @JsonInclude(JsonInclude.Include.NON_NULL) Integer hwidDeviceLimit)
      implements Command {

    /** {@link #hwidDeviceLimit} that puts the user back on the cluster default. */
    public static final int DEFAULT_DEVICE_LIMIT = -1;

    /** The update as it was before the device limit (that field unchanged). */
    public UpdateUser(
        String id,
        String name,
        String note,
        UserStatus status,
        Long dataLimitBytes,
        boolean setExpireAt,
        Instant expireAt,
        ResetStrategy resetStrategy,
        Long onHoldExpireSeconds,
        UserCredentials credentials,
        List<String> groupIds) {
      this(
          id,
          name,
          note,
          status,
          dataLimitBytes,
          setExpireAt,
          expireAt,
          resetStrategy,
          onHoldExpireSeconds,
          credentials,
          groupIds,
          null);
    }

    /** The update as it was before credentials and groups (their fields unchanged). */
    public UpdateUser(
        String id,
        String name,
        String note,
        UserStatus status,
        Long dataLimitBytes,
        boolean setExpireAt,
        Instant expireAt,
        ResetStrategy resetStrategy,
        Long onHoldExpireSeconds) {
      this(
          id,
          name,
          note,
          status,
          dataLimitBytes,
          setExpireAt,
          expireAt,
          resetStrategy,
          onHoldExpireSeconds,
          null,
          null);
    }

    /** An update of user {@code id} that changes nothing yet: set what changes. */
    public static UpdateUserBuilder of(String id) {
      return new UpdateUserBuilder(id);
    }

    @Override
    public String summary() {
      StringBuilder sb = new StringBuilder("updated");
      if (name != null) sb.append(" name");
      if (note != null) sb.append(" note");
      if (status != null) sb.append(" status=").append(Enums.wire(status));
      if (dataLimitBytes != null) sb.append(" data_limit_bytes=").append(dataLimitBytes);
      if (setExpireAt) sb.append(" expire_at=").append(expireAt == null ? "never" : expireAt);
      if (resetStrategy != null) {
        sb.append(" reset_strategy=").append(Enums.wire(resetStrategy));
      }
      if (onHoldExpireSeconds != null) {
        sb.append(" on_hold_expire_seconds=").append(onHoldExpireSeconds);
      }
      if (credentials != null) sb.append(" credentials");
      if (groupIds != null) sb.append(" group_ids=").append(groupIds);
      if (hwidDeviceLimit != null) {
        sb.append(" hwid_device_limit=")
            .append(hwidDeviceLimit == DEFAULT_DEVICE_LIMIT ? "default" : hwidDeviceLimit);
      }
      return sb.toString();
    }
  }

  @Action(value = "user.delete", by = Origin.ADMIN)
  record DeleteUser(String id) implements Command {
    @Override
    public String summary() {
      return "deleted user and its grants";
    }
  }

  @Action(value = "user.reset_usage", by = Origin.ADMIN)
  record ResetUsage(String id) implements Command {
    @Override
    public String summary() {
      return "reset period usage";
    }
  }

  @Action(value = "user.rotate_subscription", by = Origin.ADMIN)
  record RotateSubscription(String id, String newToken) implements Command {
    @Override
    public String summary() {
      return "rotated subscription token";
    }
  }

  @Action(value = "endpoint.create", by = Origin.ADMIN)
  record CreateEndpoint(Endpoint endpoint) implements Command {
    @Override
    public String summary() {
      return "created "
          + Enums.wire(endpoint.protocol())
          + " endpoint "
          + endpoint.tag()
          + " on port "
          + endpoint.port();
    }
  }

  /**
   * Updates an endpoint. With {@code settingsKeys} null (every entry written before it existed),
   * {@code settings} replaces the settings as a whole. With {@code settingsKeys} set, the update is
   * a patch merged at apply: each listed key takes its value from {@code settings}, or is removed
   * when {@code settings} lacks it, and every other key keeps the value it has at that index, so
   * two concurrent PATCHes of different keys both survive.
   */
  @Action(value = "endpoint.update", by = Origin.ADMIN)
  record UpdateEndpoint(
      String id,
      String tag,
      Integer port,
      Map<String, Object> settings,
      Boolean enabled,
      @JsonInclude(JsonInclude.Include.NON_NULL) List<String> settingsKeys,
      @JsonInclude(JsonInclude.Include.NON_NULL) Map<String, String> labels)
      implements Command {
    public UpdateEndpoint {
      settingsKeys = settingsKeys == null ? null : List.copyOf(settingsKeys);
      labels = labels == null ? null : Collections.unmodifiableSortedMap(new TreeMap<>(labels));
    }

    /** A whole-settings update with labels unchanged, as logged before patches existed. */
    public UpdateEndpoint(
        String id, String tag, Integer port, Map<String, Object> settings, Boolean enabled) {
      this(id, tag, port, settings, enabled, null, null);
    }

    @Override
    public String summary() {
      StringBuilder sb = new StringBuilder("updated");
      if (tag != null) sb.append(" tag=").append(tag);
      if (port != null) sb.append(" port=").append(port);
      if (settings != null) sb.append(" settings");
      if (enabled != null) sb.append(" enabled=").append(enabled);
      if (labels != null) sb.append(" labels");
      return sb.toString();
    }
  }

  @Action(value = "endpoint.delete", by = Origin.ADMIN)
  record DeleteEndpoint(String id) implements Command {
    @Override
    public String summary() {
      return "deleted endpoint and its grants";
    }
  }

  @Action(value = "grant.create", by = Origin.ADMIN)
  record CreateGrant(Grant grant) implements Command {
    @Override
    public String summary() {
      return "granted user " + grant.userId() + " endpoint " + grant.endpointId();
    }
  }

  @Action(value = "grant.update", by = Origin.ADMIN)
  record UpdateGrant(String id, Boolean enabled) implements Command {
    @Override
    public String summary() {
      return enabled == null ? "updated" : "updated enabled=" + enabled;
    }
  }

  @Action(value = "grant.delete", by = Origin.ADMIN)
  record DeleteGrant(String id) implements Command {
    @Override
    public String summary() {
      return "deleted grant";
    }
  }

  @Action(value = "admin_token.create", by = Origin.OWNER)
  record CreateAdminToken(AdminToken token) implements Command {
    @Override
    public String summary() {
      return "created " + Enums.wire(token.role()) + " token " + token.name();
    }
  }

  @Action(value = "admin_token.revoke", by = Origin.OWNER)
  record RevokeAdminToken(String id) implements Command {
    @Override
    public String summary() {
      return "revoked admin token";
    }
  }

  /** Records a member that is (or is becoming) part of the Raft group. */
  @Action(value = "node.add", by = Origin.ADMISSION)
  record AddNode(Node node) implements Command {
    @Override
    public String summary() {
      return "added node " + node.name() + " at " + node.apiBaseUrl();
    }
  }

  @Action(value = "node.update", by = Origin.ADMIN)
  record UpdateNode(String id, String name, String accessHost, Map<String, String> labels)
      implements Command {
    @Override
    public String summary() {
      StringBuilder sb = new StringBuilder("updated");
      if (name != null) sb.append(" name=").append(name);
      if (accessHost != null) sb.append(" access_host=").append(accessHost);
      if (labels != null) sb.append(" labels");
      return sb.toString();
    }
  }

  /** A joined node is a Raft voter now: {@code joining} becomes {@code active}. */
  @Action(value = "node.activate", by = Origin.NODE)
  record ActivateNode(String id) implements Command {
    @Override
    public String summary() {
      return "node is a member of the raft group";
    }
  }

  /**
   * Removes a member: its record stays with status {@code removed} (cluster authentication relies
   * on it), its certificate serial goes on the deny list and its endpoints are disabled. The Raft
   * membership change is a separate step (see {@code docs/membership.md}).
   */
  @Action(value = "node.remove", by = Origin.ADMIN)
  record RemoveNode(String id) implements Command {
    @Override
    public String summary() {
      return "removed node and revoked its certificate";
    }
  }

  /**
   * Records a node's renewed certificate; the serial it replaces goes on the deny list in the same
   * entry, so the old certificate is refused exactly from the index where the new one is valid.
   * {@code replacesSerial} must be the recorded serial (compare and set): a replayed or raced
   * renewal cannot replace a certificate it did not know.
   */
  @Action(value = "node.renew_certificate", by = Origin.RENEWAL)
  record RenewNodeCertificate(
      String id,
      String replacesSerial,
      String certSerial,
      String certificatePem,
      Instant certNotAfter)
      implements Command {
    @Override
    public String summary() {
      return "renewed node certificate, new serial " + certSerial + " valid until " + certNotAfter;
    }
  }

  /**
   * A node reports its core's health: submitted by the node itself when the status, flavor or
   * version changes. {@code flavor}, {@code version} and {@code detail} may be null.
   */
  @Action(value = "node.report_xray", by = Origin.NODE)
  record ReportXray(
      String nodeId,
      String status,
      String flavor,
      String version,
      String detail,
      @JsonInclude(JsonInclude.Include.NON_NULL) Boolean audit)
      implements Command {
    /**
     * A report as this release submits it: node state only, counted in the node's {@link
     * io.raftray.model.XrayReport#reports()}, not an audit event ({@code audit} false). Entries
     * logged before the field existed have it null and replay as audit events, as they were.
     */
    public ReportXray(String nodeId, String status, String flavor, String version, String detail) {
      this(nodeId, status, flavor, version, detail, false);
    }

    @Override
    public String summary() {
      return "core "
          + status
          + (flavor == null ? "" : " " + flavor)
          + (version == null ? "" : " " + version);
    }
  }

  /**
   * Creates a join token; {@code expires_at} is the leader-stamped time plus {@code ttlSeconds}.
   * Neither the secret nor anything that verifies as it is in the command (and so in the log): this
   * release sends {@code verifyKey} (the token's public key) and a null {@code secretHash}; entries
   * of the previous release carry {@code secretHash} only. {@code caHolder} true makes the joiner a
   * CA holder.
   */
  @Action(value = "join_token.create", by = Origin.OWNER)
  record CreateJoinToken(
      String id,
      @JsonInclude(JsonInclude.Include.NON_NULL) String secretHash,
      long ttlSeconds,
      int maxUses,
      NodeRole role,
      String createdBy,
      @JsonInclude(JsonInclude.Include.NON_NULL) String verifyKey,
      @JsonInclude(JsonInclude.Include.NON_NULL) Boolean caHolder)
      implements Command {
    /** A command as the previous release wrote it (a format-1 token). */
    public CreateJoinToken(
        String id,
        String secretHash,
        long ttlSeconds,
        int maxUses,
        NodeRole role,
        String createdBy) {
      this(id, secretHash, ttlSeconds, maxUses, role, createdBy, null, null);
    }

    @Override
    public String summary() {
      return "created join token for "
          + maxUses
          + (maxUses == 1 ? " use" : " uses")
          + ", valid "
          + ttlSeconds
          + " s";
    }
  }

  @Action(value = "join_token.revoke", by = Origin.ADMIN)
  record RevokeJoinToken(String id) implements Command {
    @Override
    public String summary() {
      return "revoked join token";
    }
  }

  /**
   * Uses a join token once (checked against the leader-stamped time): a single-use token's request
   * is approved at once, a multi-use token's request waits for an admin.
   */
  @Action(value = "join_request.create", by = Origin.JOIN)
  record CreateJoinRequest(
      String id,
      String tokenId,
      String nodeId,
      String nodeName,
      String apiBaseUrl,
      String accessHost,
      Map<String, String> facts,
      String csrPem)
      implements Command {
    @Override
    public String summary() {
      return "node " + nodeName + " at " + apiBaseUrl + " asked to join with token " + tokenId;
    }
  }

  @Action(value = "join_request.approve", by = Origin.ADMIN)
  record ApproveJoinRequest(String id, String decidedBy) implements Command {
    @Override
    public String summary() {
      return "approved join request";
    }
  }

  @Action(value = "join_request.reject", by = Origin.ADMIN)
  record RejectJoinRequest(String id, String decidedBy, String reason) implements Command {
    @Override
    public String summary() {
      return reason == null || reason.isEmpty()
          ? "rejected join request"
          : "rejected join request: " + reason;
    }
  }

  /**
   * Updates the subscription settings; {@code settings.uaRules() == null} selects the built-in
   * User-Agent rules. With {@code fields} null (PUT, and every entry written before it existed)
   * {@code settings} replaces them as a whole. With {@code fields} set (PATCH) only those fields
   * ({@link #FIELDS}) are taken from {@code settings}, merged at apply into the settings of that
   * index, so concurrent PATCHes of different fields both survive.
   */
  @Action(value = "subscription_settings.update", by = Origin.ADMIN)
  record UpdateSubscriptionSettings(
      SubscriptionSettings settings, @JsonInclude(JsonInclude.Include.NON_NULL) List<String> fields)
      implements Command {
    /** The field names a patch may list, as in the API. */
    public static final List<String> FIELDS =
        List.of(
            "update_interval_hours",
            "title_template",
            "remark_template",
            "support_url",
            "web_page_url",
            "ua_rules",
            "brand_name",
            "logo_data_uri",
            "public_url");

    public UpdateSubscriptionSettings {
      fields = fields == null ? null : List.copyOf(fields);
    }

    /** A whole replacement, as logged before patches existed. */
    public UpdateSubscriptionSettings(SubscriptionSettings settings) {
      this(settings, null);
    }

    @Override
    public String summary() {
      if (fields != null) {
        StringBuilder sb = new StringBuilder("patched subscription settings:");
        for (String f : fields) {
          sb.append(' ').append(f);
          switch (f) {
            case "update_interval_hours" -> sb.append('=').append(settings.updateIntervalHours());
            case "ua_rules" ->
                sb.append('=')
                    .append(
                        settings.uaRules() == null
                            ? "built-in"
                            : settings.uaRules().size() + " custom");
            default -> {}
          }
        }
        return sb.toString();
      }
      return "updated subscription settings: update_interval_hours="
          + settings.updateIntervalHours()
          + ", ua_rules="
          + (settings.uaRules() == null ? "built-in" : settings.uaRules().size() + " custom")
          + (settings.supportUrl() == null ? "" : ", support_url set")
          + (settings.webPageUrl() == null ? "" : ", web_page_url set");
    }
  }

  /**
   * Traffic a node's core counted since its previous report, per user. Idempotent per node: the
   * state keeps the last applied {@code seq} of each node and a report with a {@code seq} at or
   * below it is a successful no-op, so a batch resubmitted after a lost answer or a restart counts
   * once. Deltas of users that no longer exist are skipped. Writes no audit event (one every few
   * seconds per node would flood the audit log); the status changes it causes are visible on the
   * users.
   */
  @Action(value = "usage.report", by = Origin.NODE)
  record UsageReport(
      String nodeId,
      long seq,
      List<UsageDelta> deltas,
      @JsonInclude(JsonInclude.Include.NON_NULL) Boolean marksOnline,
      @JsonInclude(JsonInclude.Include.NON_NULL) Boolean recordsHistory)
      implements Command {
    public UsageReport {
      deltas = deltas == null ? List.of() : List.copyOf(deltas);
    }

    /**
     * A report as it was before the usage history: it adds nothing to {@code usage_history}. Nodes
     * now send {@code records_history: true}; old entries replay exactly as they first applied.
     */
    public UsageReport(String nodeId, long seq, List<UsageDelta> deltas, Boolean marksOnline) {
      this(nodeId, seq, deltas, marksOnline, null);
    }

    /**
     * A report as it was before activity: it does not touch {@code online_at}. Nodes now send
     * {@code marks_online: true} (the report sets {@code online_at} of every user with traffic in
     * it to its leader stamp); reports in logs from before carry none and replay exactly as they
     * first applied, so a replica never derives a different state from an old entry, nor do two
     * versions from the same entry.
     */
    public UsageReport(String nodeId, long seq, List<UsageDelta> deltas) {
      this(nodeId, seq, deltas, null, null);
    }

    /** Whether this report sets {@code online_at}. */
    public boolean setsOnlineAt() {
      return Boolean.TRUE.equals(marksOnline);
    }

    /** Whether this report adds its traffic to the usage history. */
    public boolean addsToHistory() {
      return Boolean.TRUE.equals(recordsHistory);
    }

    @Override
    public String summary() {
      return "usage report " + seq + " from node " + nodeId + " for " + deltas.size() + " users";
    }
  }

  /** Bytes one user moved through the reporting node since the node's previous report. */
  record UsageDelta(String userId, long uplinkBytes, long downlinkBytes) {}

  /**
   * The periodic user check, at the leader-stamped time: expiries and periodic usage resets. Sent
   * by the leader's {@code UsageTicker} only when {@link Store#due} says it would change something;
   * audited once per tick that changed something, with counts.
   */
  @Action(value = "users.tick", by = Origin.NODE)
  record UsersTick() implements Command {
    @Override
    public String summary() {
      return "periodic user check";
    }
  }

  /**
   * Raises the cluster's feature level to {@code level} ({@link Features}): submitted by the leader
   * once every voter has said it reads that level, and logged only if the leader itself has heard
   * so from every voter. Never lowers it.
   */
  @Action(value = "cluster.set_feature_level", by = Origin.NODE)
  record SetFeatureLevel(int level) implements Command {
    @Override
    public String summary() {
      return "cluster feature level raised to " + level;
    }
  }

  /**
   * A command of the level above {@link Features#CURRENT}, for tests of mixed-version clusters
   * only: a node started with {@code RAFTRAY_TEST_FEATURE_LEVEL} reads it, a normal node treats it
   * as an entry of a newer release and halts. It changes nothing but the audit list.
   */
  @Action(value = "cluster.feature_probe", by = Origin.NODE)
  record FeatureProbe(String note) implements Command {
    public static final int LEVEL = Features.CURRENT + 1;

    @Override
    public String summary() {
      return "feature probe: " + note;
    }
  }

  /** Replaces a user's own credentials (generated or validated before submission). */
  @Action(value = "user.rotate_credentials", by = Origin.ADMIN)
  record RotateCredentials(String id, UserCredentials credentials) implements Command {
    @Override
    public String summary() {
      return "replaced the user's credentials";
    }
  }

  @Action(value = "group.create", by = Origin.ADMIN)
  record CreateGroup(Group group) implements Command {
    @Override
    public String summary() {
      return "created group " + group.name();
    }
  }

  /**
   * Changes a group; null fields stay as they are. {@code setSelector} with a null {@code selector}
   * removes the selector.
   */
  @Action(value = "group.update", by = Origin.ADMIN)
  record UpdateGroup(
      String id,
      String name,
      String description,
      List<String> endpointIds,
      boolean setSelector,
      GroupSelector selector)
      implements Command {
    @Override
    public String summary() {
      StringBuilder sb = new StringBuilder("updated");
      if (name != null) sb.append(" name=").append(name);
      if (description != null) sb.append(" description");
      if (endpointIds != null) sb.append(" endpoint_ids=").append(endpointIds.size());
      if (setSelector) sb.append(selector == null ? " selector removed" : " selector");
      return sb.toString();
    }
  }

  /** Deletes a group and takes it out of every member's {@code group_ids}. */
  @Action(value = "group.delete", by = Origin.ADMIN)
  record DeleteGroup(String id) implements Command {
    @Override
    public String summary() {
      return "deleted group";
    }
  }

  /**
   * Changes cluster-wide settings ({@code settings.update}); a null field leaves that setting as it
   * is, so two concurrent changes of different settings both stay (the merge happens in apply).
   */
  @Action(value = "settings.update", by = Origin.ADMIN)
  record UpdateSettings(
      Integer auditRetention,
      @JsonInclude(JsonInclude.Include.NON_NULL) Integer hwidDeviceLimit,
      @JsonInclude(JsonInclude.Include.NON_NULL) Boolean hwidRequired,
      @JsonInclude(JsonInclude.Include.NON_NULL) List<String> publicBaseUrls,
      @JsonInclude(JsonInclude.Include.NON_NULL) Boolean marzbanCompatApi)
      implements Command {

    /** The update as it was before the device settings (those unchanged). */
    public UpdateSettings(Integer auditRetention) {
      this(auditRetention, null, null, null, null);
    }

    /** The update as it was before the Marzban-compatible API switch (that unchanged). */
    public UpdateSettings(
        Integer auditRetention,
        Integer hwidDeviceLimit,
        Boolean hwidRequired,
        List<String> publicBaseUrls) {
      this(auditRetention, hwidDeviceLimit, hwidRequired, publicBaseUrls, null);
    }

    @Override
    public String summary() {
      List<String> parts = new java.util.ArrayList<>();
      if (auditRetention != null) {
        parts.add("audit retention set to " + auditRetention + " events");
      }
      if (hwidDeviceLimit != null) {
        parts.add("hwid device limit set to " + hwidDeviceLimit);
      }
      if (hwidRequired != null) {
        parts.add("hwid required set to " + hwidRequired);
      }
      if (publicBaseUrls != null) {
        parts.add(
            publicBaseUrls.isEmpty()
                ? "public base urls cleared"
                : "public base urls set to " + String.join(", ", publicBaseUrls));
      }
      if (marzbanCompatApi != null) {
        parts.add("marzban compatible api " + (marzbanCompatApi ? "switched on" : "switched off"));
      }
      return parts.isEmpty() ? "settings unchanged" : String.join(", ", parts);
    }
  }

  @Action(value = "user_template.create", by = Origin.ADMIN)
  record CreateUserTemplate(UserTemplate template) implements Command {
    @Override
    public String summary() {
      return "created user template " + template.name();
    }
  }

  /** Replaces a template as a whole (the API merges a PATCH into the template it read). */
  @Action(value = "user_template.update", by = Origin.ADMIN)
  record UpdateUserTemplate(UserTemplate template) implements Command {
    @Override
    public String summary() {
      return "updated user template " + template.name();
    }
  }

  @Action(value = "user_template.delete", by = Origin.ADMIN)
  record DeleteUserTemplate(String id) implements Command {
    @Override
    public String summary() {
      return "deleted user template";
    }
  }

  /**
   * Creates up to {@code MAX_BATCH} users in one entry, all or nothing: one conflicting item (id,
   * name or subscription token taken, or given twice) rejects the whole batch, naming it as {@code
   * users[i].field}. One audit event for the batch.
   */
  @Action(value = "users.create_batch", by = Origin.ADMIN)
  record CreateUsers(List<User> users, @JsonInclude(JsonInclude.Include.NON_NULL) Boolean imported)
      implements Command {
    public static final int MAX_BATCH = 1000;

    public CreateUsers {
      users = users == null ? List.of() : List.copyOf(users);
      // Only true is written: a plain batch keeps the bytes it had before imports existed.
      imported = Boolean.TRUE.equals(imported) ? Boolean.TRUE : null;
    }

    /** A plain batch: every user starts now. */
    public CreateUsers(List<User> users) {
      this(users, null);
    }

    /**
     * An import (Marzban): each user keeps the {@code createdAt}, {@code periodStartedAt}, usage,
     * {@code subRevokedAt} and {@code onHoldTimeout} it carries; only {@code updatedAt} is stamped.
     */
    @JsonIgnore
    public boolean isImport() {
      return Boolean.TRUE.equals(imported);
    }

    @Override
    public String summary() {
      return (isImport() ? "imported " : "created ")
          + users.size()
          + (users.size() == 1 ? " user" : " users");
    }
  }

  /**
   * Sets (or, with null, clears) the Marzban JWT secret that old Marzban subscription tokens are
   * checked with. Owner only; the secret never reaches the summary (audit) or a log line.
   */
  @Action(value = "settings.set_marzban_secret", by = Origin.OWNER)
  record SetMarzbanSecret(String secret) implements Command {
    @Override
    public String summary() {
      return secret == null ? "marzban jwt secret cleared" : "marzban jwt secret set";
    }

    @Override
    public String toString() {
      return "SetMarzbanSecret[" + (secret == null ? "clear" : "redacted") + "]";
    }
  }

  /**
   * One action over the users in {@code ids} (resolved by the node that took the request; ids of
   * users deleted meanwhile are skipped). {@code amount} is the seconds of {@code extend} and the
   * bytes of {@code add_data}/{@code set_limit}; {@code newTokens} holds one new subscription token
   * per id for {@code rotate_subscription}; {@code groupIds} the groups of {@code add_groups} and
   * {@code remove_groups}. One audit event with the count.
   */
  @Action(value = "users.bulk", by = Origin.ADMIN)
  record BulkUsers(
      BulkAction operation,
      List<String> ids,
      Long amount,
      List<String> newTokens,
      List<String> groupIds)
      implements Command {
    public BulkUsers {
      ids = ids == null ? List.of() : List.copyOf(ids);
      newTokens = newTokens == null ? List.of() : List.copyOf(newTokens);
      groupIds = groupIds == null ? List.of() : List.copyOf(groupIds);
    }

    /** An action that names no groups. */
    public BulkUsers(BulkAction operation, List<String> ids, Long amount, List<String> newTokens) {
      this(operation, ids, amount, newTokens, null);
    }

    @Override
    public String summary() {
      return "bulk "
          + Enums.wire(operation)
          + (amount == null ? "" : " " + amount)
          + (groupIds.isEmpty() ? "" : " " + String.join(",", groupIds))
          + " on "
          + ids.size()
          + (ids.size() == 1 ? " user" : " users");
    }
  }

  /**
   * Garbage-collects a node whose join never completed: still {@code joining} a day after its join
   * token expired ({@code JoinRules.JOIN_GRACE}). Submitted by the leader's ticker for nodes that
   * are not in the Raft configuration; applied like a removal (record kept as {@code removed},
   * serial denied), which frees its name.
   */
  @Action(value = "node.expire_joining", by = Origin.NODE)
  record ExpireJoiningNode(String id) implements Command {
    @Override
    public String summary() {
      return "removed a node whose join never completed";
    }
  }

  /**
   * One node's subscription activity since its previous batch ({@code subscription.activity}): the
   * users whose subscription it served (last time and User-Agent each) and the devices ({@code
   * x-hwid}) that fetched, new or known. One entry per node per interval, never one per fetch; not
   * audited (like usage reports). Apply registers new devices in list order while the user's limit
   * allows and refuses the rest, so two nodes racing for the last slot are decided by log order.
   */
  @Action(value = "subscription.activity", by = Origin.NODE)
  record SubscriptionActivity(String nodeId, List<SubFetch> fetches, List<DeviceSeen> devices)
      implements Command {
    /** At most this many fetches and this many devices per entry. */
    public static final int MAX_ITEMS = 10_000;

    public SubscriptionActivity {
      fetches = fetches == null ? List.of() : List.copyOf(fetches);
      devices = devices == null ? List.of() : List.copyOf(devices);
    }

    @Override
    public String summary() {
      return "subscription activity from node "
          + nodeId
          + ": "
          + fetches.size()
          + " users, "
          + devices.size()
          + " devices";
    }
  }

  /** A user's last subscription fetch on the reporting node in the batch window. */
  record SubFetch(
      String userId, Instant at, @JsonInclude(JsonInclude.Include.NON_NULL) String userAgent) {}

  /**
   * A device that fetched a user's subscription on the reporting node in the batch window. {@code
   * registered}: the node's view had it registered then (a sighting, not a new device), so a device
   * deleted meanwhile is not registered again by it.
   */
  record DeviceSeen(
      String userId,
      String hwid,
      @JsonInclude(JsonInclude.Include.NON_NULL) String os,
      @JsonInclude(JsonInclude.Include.NON_NULL) String osVersion,
      @JsonInclude(JsonInclude.Include.NON_NULL) String model,
      @JsonInclude(JsonInclude.Include.NON_NULL) String userAgent,
      Instant at,
      @JsonInclude(JsonInclude.Include.NON_NULL) Boolean registered) {

    /** A new device (not registered in the reporting node's view). */
    public DeviceSeen(
        String userId,
        String hwid,
        String os,
        String osVersion,
        String model,
        String userAgent,
        Instant at) {
      this(userId, hwid, os, osVersion, model, userAgent, at, null);
    }
  }

  /** Forgets one of a user's devices: its next fetch counts as a new device. */
  @Action(value = "user.delete_device", by = Origin.ADMIN)
  record DeleteDevice(String userId, String hwid) implements Command {
    @Override
    public String summary() {
      return "deleted a device of user " + userId;
    }
  }

  // ---- admin accounts (docs/console.md). Password hashes, session secrets' hashes and TOTP
  // secrets are made before submission; summaries never name one.

  /** Creates an admin account; its password hash was computed by the node that took the request. */
  @Action(value = "admin.create", by = Origin.OWNER)
  record CreateAdmin(Admin admin) implements Command {
    @Override
    public String summary() {
      return "created admin " + admin.username() + " (" + Enums.wire(admin.role()) + ")";
    }
  }

  /**
   * Changes an admin account; null fields stay as they are. A new password, a role change or
   * disabling ends the admin's sessions.
   */
  @Action(value = "admin.update", by = Origin.OWNER)
  record UpdateAdmin(
      String id, Role role, String passwordHash, Boolean disabled, Boolean passwordResetRequired)
      implements Command {
    @Override
    public String summary() {
      StringBuilder b = new StringBuilder("updated admin " + id);
      if (passwordHash != null) {
        b.append(": new password");
      }
      return b.toString();
    }
  }

  /** Deletes an admin account and its sessions. */
  @Action(value = "admin.delete", by = Origin.OWNER)
  record DeleteAdmin(String id) implements Command {
    @Override
    public String summary() {
      return "deleted admin " + id;
    }
  }

  /**
   * Records a login: a new session of the admin (its secret's hash only). The leader checks the
   * password (and TOTP code at {@code totpStep}) that came with it; the rules refuse a TOTP step
   * that is not later than the last one accepted (replay).
   */
  @Action(value = "admin.login", by = Origin.ACCOUNT)
  record AdminLogin(String adminId, AdminSession session, Long totpStep) implements Command {
    @Override
    public String summary() {
      return "admin " + adminId + " logged in";
    }
  }

  /** Ends one session of the admin (logout): its cookie stops working on every node. */
  @Action(value = "admin.logout", by = Origin.ACCOUNT)
  record AdminLogout(String adminId, String sessionId) implements Command {
    @Override
    public String summary() {
      return "admin " + adminId + " logged out";
    }
  }

  /** The admin's own password change (the leader checks the current password); ends sessions. */
  @Action(value = "admin.change_password", by = Origin.ACCOUNT)
  record ChangeAdminPassword(String adminId, String passwordHash) implements Command {
    @Override
    public String summary() {
      return "admin " + adminId + " changed its password";
    }
  }

  /** Stores a TOTP secret to be confirmed (replacing an unconfirmed one). */
  @Action(value = "admin.totp_enroll", by = Origin.ACCOUNT)
  record EnrollTotp(String adminId, String secret) implements Command {
    @Override
    public String summary() {
      return "admin " + adminId + " started a second factor enrolment";
    }

    @Override
    public String toString() {
      return "EnrollTotp[adminId=" + adminId + ", secret=<redacted>]";
    }
  }

  /** Enables the enrolled secret; {@code step} is the time step of the code the admin entered. */
  @Action(value = "admin.totp_confirm", by = Origin.ACCOUNT)
  record ConfirmTotp(String adminId, long step) implements Command {
    @Override
    public String summary() {
      return "admin " + adminId + " enabled a second factor";
    }
  }

  /** Turns the second factor off; {@code step} is the time step of the code the admin entered. */
  @Action(value = "admin.totp_disable", by = Origin.ACCOUNT)
  record DisableTotp(String adminId, long step) implements Command {
    @Override
    public String summary() {
      return "admin " + adminId + " disabled its second factor";
    }
  }

  /**
   * {@code raftray admin create} / {@code reset-password} on a host with the data directory: the
   * local daemon submits it in its own name, and the leader accepts it only from a CA holder
   * (docs/console.md, "Lost password"). With {@code reset} the account named {@code
   * admin.username()} gets the new password hash (and role when given), its sessions and second
   * factor are dropped, and it must change the password; without it a new account is created.
   */
  @Action(value = "admin.host_set", by = Origin.HOST)
  record HostSetAdmin(Admin admin, boolean reset) implements Command {
    @Override
    public String summary() {
      return (reset ? "reset the password of admin " : "created admin ")
          + admin.username()
          + " from a host's data directory";
    }
  }

  // ---- webhooks (feature level 2; docs/webhooks.md)

  /** Creates a webhook (id and secret chosen before submission). */
  @Action(value = "webhook.create", by = Origin.ADMIN)
  record CreateWebhook(Webhook webhook) implements Command {
    @Override
    public String summary() {
      return "created webhook " + webhook.id() + " to " + WebhookUrls.redacted(webhook.url());
    }
  }

  /** Changes a webhook; null fields stay as they are. */
  @Action(value = "webhook.update", by = Origin.ADMIN)
  record UpdateWebhook(String id, String url, String secret, List<String> events, Boolean enabled)
      implements Command {
    @Override
    public String summary() {
      return "changed webhook "
          + id
          + (url == null ? "" : " url")
          + (secret == null ? "" : " secret")
          + (events == null ? "" : " events")
          + (enabled == null ? "" : enabled ? " enabled" : " disabled");
    }

    /** Never the secret. */
    @Override
    public String toString() {
      return "UpdateWebhook[" + id + "]";
    }
  }

  /** Deletes a webhook; what it was still owed leaves the outbox with it. */
  @Action(value = "webhook.delete", by = Origin.ADMIN)
  record DeleteWebhook(String id) implements Command {
    @Override
    public String summary() {
      return "deleted webhook " + id;
    }
  }

  /** The thresholds of {@code user.expiring} and {@code user.limit_near}; null: unchanged. */
  @Action(value = "webhook.settings", by = Origin.ADMIN)
  record UpdateWebhookSettings(Integer expiringDays, Integer limitNearPercent) implements Command {
    @Override
    public String summary() {
      return "webhook settings: expiring_days "
          + expiringDays
          + ", limit_near_percent "
          + limitNearPercent;
    }
  }

  /**
   * The leader's batch of delivery results: per webhook, delivered (or skipped by the outbox bound)
   * up to {@code deliveredSeq}, and the attempts since its last batch for the delivery log. One
   * entry for many events; not audited.
   */
  @Action(value = "webhook.ack", by = Origin.NODE)
  record AckWebhooks(List<WebhookAck> acks) implements Command {
    public AckWebhooks {
      acks = acks == null ? List.of() : List.copyOf(acks);
    }

    @Override
    public String summary() {
      return "webhook deliveries of " + acks.size() + " webhooks";
    }
  }

  /** One webhook's part of {@link AckWebhooks}. */
  record WebhookAck(String webhookId, long deliveredSeq, List<WebhookDelivery> deliveries) {
    public WebhookAck {
      deliveries = deliveries == null ? List.of() : List.copyOf(deliveries);
    }
  }

  /**
   * Events a node observed (the leader: a node down or up, a user about to expire, a certificate
   * about to expire; any node: its core, its scheduled backup failed), so they enter the same
   * outbox. The rules drop repeats: a node already down, a dedupe key already seen. Not audited.
   */
  @Action(value = "webhook.observe", by = Origin.NODE)
  record ObserveEvents(List<ObservedEvent> events) implements Command {
    public ObserveEvents {
      events = events == null ? List.of() : List.copyOf(events);
    }

    @Override
    public String summary() {
      return events.size() + " observed events";
    }
  }

  /**
   * One observed event. {@code dedupeUntil} (with {@code subject}) makes it happen once until that
   * time: a user's expiry, a certificate's end; null for none.
   */
  record ObservedEvent(String type, String subject, Map<String, Object> data, Instant dedupeUntil) {
    public ObservedEvent {
      data = data == null ? Map.of() : new TreeMap<>(data);
    }
  }
}
