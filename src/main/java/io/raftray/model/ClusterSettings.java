package io.raftray.model;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * Cluster-wide settings held in the replicated state, so every replica applies the same ones.
 * {@code auditRetention} is how many audit events the state keeps (the oldest whole chunks go
 * first); {@code hwidDeviceLimit} is the device limit of users without their own (0 = unlimited);
 * {@code hwidRequired} refuses subscription fetches without an {@code x-hwid} header; {@code
 * publicBaseUrls} are the addresses users reach the fleet by (first: the one subscription URLs use;
 * see {@link PublicBases}); {@code marzbanJwtSecret} checks the subscription tokens of users
 * imported from Marzban (its {@code jwt.secret_key}; never shown by the API, never logged: {@link
 * #toString()} leaves it out). {@code marzbanCompatApi} switches on the Marzban-compatible API at
 * Marzban's paths ({@code /api/admin/token}, {@code /api/user}, ...; off by default). Null means
 * the default; the later fields are not written while null, so settings written before them keep
 * their bytes.
 */
public record ClusterSettings(
    Integer auditRetention,
    @JsonInclude(JsonInclude.Include.NON_NULL) Integer hwidDeviceLimit,
    @JsonInclude(JsonInclude.Include.NON_NULL) Boolean hwidRequired,
    @JsonInclude(JsonInclude.Include.NON_NULL) List<String> publicBaseUrls,
    @JsonInclude(JsonInclude.Include.NON_NULL) String marzbanJwtSecret,
    @JsonInclude(JsonInclude.Include.NON_NULL) Boolean marzbanCompatApi) {
  public static final int DEFAULT_AUDIT_RETENTION = 10_000;
  public static final int MIN_AUDIT_RETENTION = 100;
  public static final int MAX_AUDIT_RETENTION = 1_000_000;

  private static final ClusterSettings DEFAULTS =
      new ClusterSettings(null, null, null, null, null, null);

  public ClusterSettings {
    // An empty list is no list: cleared settings encode as they did before the field existed.
    publicBaseUrls =
        publicBaseUrls == null || publicBaseUrls.isEmpty() ? null : List.copyOf(publicBaseUrls);
  }

  /** Settings from before the device limits. */
  public ClusterSettings(Integer auditRetention) {
    this(auditRetention, null, null, null, null, null);
  }

  /** Settings from before the Marzban secret and the Marzban-compatible API switch. */
  public ClusterSettings(
      Integer auditRetention,
      Integer hwidDeviceLimit,
      Boolean hwidRequired,
      List<String> publicBaseUrls) {
    this(auditRetention, hwidDeviceLimit, hwidRequired, publicBaseUrls, null, null);
  }

  /**
   * Whether {@code secret} may be a Marzban JWT secret: Marzban's is 64 hex characters; any 1-256
   * printable ASCII characters without spaces are accepted (a hand-made one).
   */
  public static boolean validMarzbanSecret(String secret) {
    return !secret.isEmpty()
        && secret.length() <= 256
        && secret.chars().allMatch(ch -> ch > 0x20 && ch < 0x7f);
  }

  /** These settings with the Marzban secret {@code secret} (null: none). */
  public ClusterSettings withMarzbanJwtSecret(String secret) {
    return new ClusterSettings(
        auditRetention, hwidDeviceLimit, hwidRequired, publicBaseUrls, secret, marzbanCompatApi);
  }

  public static ClusterSettings defaults() {
    return DEFAULTS;
  }

  /** The retention in effect. */
  public int effectiveAuditRetention() {
    return auditRetention == null ? DEFAULT_AUDIT_RETENTION : auditRetention;
  }

  /** The default device limit in effect (0 = unlimited). */
  public int effectiveHwidDeviceLimit() {
    return hwidDeviceLimit == null ? 0 : hwidDeviceLimit;
  }

  /** Whether fetches without {@code x-hwid} are refused. */
  public boolean effectiveHwidRequired() {
    return Boolean.TRUE.equals(hwidRequired);
  }

  /** The cluster's public base URLs, empty when none are set. */
  public List<String> effectivePublicBaseUrls() {
    return publicBaseUrls == null ? List.of() : publicBaseUrls;
  }

  /**
   * The device limit of {@code u}: its own, or this default; 0 = unlimited. Either way at most
   * {@link Device#HARD_CAP} devices are kept.
   */
  public int deviceLimitOf(User u) {
    return u.hwidDeviceLimit() != null ? u.hwidDeviceLimit() : effectiveHwidDeviceLimit();
  }

  /**
   * How many devices {@code u} may register: its limit, or {@link Device#HARD_CAP} when unlimited
   * (and never more than that).
   */
  public int deviceCapacityOf(User u) {
    int limit = deviceLimitOf(u);
    return limit <= 0 ? Device.HARD_CAP : Math.min(limit, Device.HARD_CAP);
  }

  /** Whether the Marzban-compatible API answers (off unless set). */
  public boolean effectiveMarzbanCompatApi() {
    return Boolean.TRUE.equals(marzbanCompatApi);
  }

  @JsonIgnore
  public boolean isDefault() {
    return auditRetention == null
        && hwidDeviceLimit == null
        && hwidRequired == null
        && publicBaseUrls == null
        && marzbanJwtSecret == null
        && marzbanCompatApi == null;
  }

  @Override
  public String toString() {
    return "ClusterSettings[auditRetention="
        + auditRetention
        + ", hwidDeviceLimit="
        + hwidDeviceLimit
        + ", hwidRequired="
        + hwidRequired
        + ", publicBaseUrls="
        + publicBaseUrls
        + ", marzbanJwtSecret="
        + (marzbanJwtSecret == null ? "none" : "<redacted>")
        + ", marzbanCompatApi="
        + marzbanCompatApi
        + "]";
  }
}
