package io.raftray.state;

import io.raftray.model.Admin;
import io.raftray.model.AdminToken;
import io.raftray.model.ClusterSettings;
import io.raftray.model.Device;
import io.raftray.model.Endpoint;
import io.raftray.model.Grant;
import io.raftray.model.Group;
import io.raftray.model.JoinRequest;
import io.raftray.model.JoinToken;
import io.raftray.model.Node;
import io.raftray.model.NodeUsage;
import io.raftray.model.SubscriptionSettings;
import io.raftray.model.UsageHistory;
import io.raftray.model.User;
import io.raftray.model.UserTemplate;
import io.raftray.model.XrayReport;
import java.util.AbstractMap;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NavigableSet;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.pcollections.TreePMap;
import org.pcollections.TreePSet;

/**
 * Immutable view of the replicated state at {@code appliedIndex}. Maps are sorted by id (ids are
 * time ordered, so this is creation order) and never mutated after publication. The top-level maps,
 * the name and token indexes, the deny list and the group member sets are persistent trees ({@link
 * TreePMap}, {@link TreePSet}: unmodifiable, structure-sharing): a change to one entry builds O(log
 * n) new nodes and shares the rest with the previous view, so a write costs the same with 1,000
 * users as with 100,000 (see docs/dependencies.md). Iteration is in key order, as with {@link
 * java.util.TreeMap}, so snapshots and digests are byte-identical on every replica. Build one with
 * {@link #toBuilder()} (or {@link #builder()}); a map given that is not persistent is copied once
 * into a persistent one.
 *
 * <p>{@code userIdByName} and {@code userIdBySubscriptionToken} are indexes of {@code users} (never
 * written to snapshots). {@code nodeUsage} is the per-node traffic breakdown, user id to node id to
 * usage (entries go with their user); {@code usageSeqs} is the last applied {@code usage.report}
 * sequence number per node, which makes reports idempotent (see docs/data-plane.md).
 *
 * <p>{@code groupMembers} is an index of {@code users}' {@code group_ids} (group id to member user
 * ids, never written to snapshots): {@link UserRules#put} keeps it up to date with each user it
 * writes, so a group's members are found without scanning every user.
 *
 * <p>{@code webhooks} holds the webhooks and their replicated outbox ({@link Webhooks}).
 *
 * <p>{@code featureLevel} is the cluster's feature level ({@link Features}): the command and
 * snapshot schema every voter has said it reads; it only ever rises.
 */
public record State(
    long appliedIndex,
    String clusterId,
    String caCertPem,
    NavigableMap<String, Node> nodes,
    NavigableMap<String, User> users,
    NavigableMap<String, Endpoint> endpoints,
    NavigableMap<String, Grant> grants,
    NavigableMap<String, AdminToken> adminTokens,
    NavigableMap<String, JoinToken> joinTokens,
    NavigableMap<String, JoinRequest> joinRequests,
    AuditLog audit,
    Map<String, String> userIdByName,
    Map<String, String> userIdBySubscriptionToken,
    NavigableSet<String> revokedSerials,
    SubscriptionSettings subscriptionSettings,
    NavigableMap<String, NavigableMap<String, NodeUsage>> nodeUsage,
    NavigableMap<String, Long> usageSeqs,
    NavigableMap<String, XrayReport> xrayReports,
    NavigableMap<String, Group> groups,
    NavigableMap<String, NavigableSet<String>> groupMembers,
    ClusterSettings settings,
    NavigableMap<String, UserTemplate> userTemplates,
    NavigableMap<String, NavigableMap<String, Device>> devices,
    UsageHistory usageHistory,
    NavigableMap<String, Admin> admins,
    int featureLevel,
    Webhooks webhooks) {

  private static final State EMPTY = new Builder().build();

  /** Absent collections are empty, absent subscription settings the defaults. */
  public State {
    nodes = orEmpty(nodes);
    users = orEmpty(users);
    endpoints = orEmpty(endpoints);
    grants = orEmpty(grants);
    adminTokens = orEmpty(adminTokens);
    joinTokens = orEmpty(joinTokens);
    joinRequests = orEmpty(joinRequests);
    audit = audit == null ? AuditLog.empty() : audit;
    userIdByName = indexView(userIdByName);
    userIdBySubscriptionToken = indexView(userIdBySubscriptionToken);
    revokedSerials = revokedSerials == null ? TreePSet.empty() : set(revokedSerials);
    subscriptionSettings =
        subscriptionSettings == null ? SubscriptionSettings.defaults() : subscriptionSettings;
    nodeUsage = orEmpty(nodeUsage);
    usageSeqs = orEmpty(usageSeqs);
    xrayReports = orEmpty(xrayReports);
    groups = orEmpty(groups);
    groupMembers = orEmpty(groupMembers);
    settings = settings == null ? ClusterSettings.defaults() : settings;
    userTemplates = orEmpty(userTemplates);
    devices = orEmpty(devices);
    usageHistory = usageHistory == null ? UsageHistory.empty() : usageHistory;
    admins = orEmpty(admins);
    featureLevel = Math.max(featureLevel, Features.BASE);
    webhooks = webhooks == null ? Webhooks.empty() : webhooks;
  }

  /** The state before the bootstrap command: index 0, nothing in it. */
  public static State empty() {
    return EMPTY;
  }

  /** A builder for a state that starts {@link #empty()}. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding every field of this state. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** A user's traffic by node id (empty when none was reported). */
  public NavigableMap<String, NodeUsage> nodeUsage(String userId) {
    NavigableMap<String, NodeUsage> m = nodeUsage.get(userId);
    return m == null ? Collections.emptyNavigableMap() : m;
  }

  /** A user's registered devices by hwid (empty when none). */
  public NavigableMap<String, Device> devices(String userId) {
    NavigableMap<String, Device> m = devices.get(userId);
    return m == null ? Collections.emptyNavigableMap() : m;
  }

  /** The ids of the users in group {@code groupId} (empty for none or an unknown group). */
  public NavigableSet<String> membersOf(String groupId) {
    NavigableSet<String> m = groupMembers.get(groupId);
    return m == null ? Collections.emptyNavigableSet() : m;
  }

  /** The last {@code usage.report} sequence number applied for a node; 0 before the first. */
  public long usageSeq(String nodeId) {
    return usageSeqs.getOrDefault(nodeId, 0L);
  }

  /**
   * Whether a node certificate serial (lowercase hex, as in {@link Node#certSerial()}) is on the
   * replicated deny list: superseded by a renewal or revoked by removing its node.
   */
  public boolean isRevoked(String serialHex) {
    return serialHex != null && revokedSerials.contains(serialHex.toLowerCase(Locale.ROOT));
  }

  /** True once the bootstrap command has been applied. */
  public boolean bootstrapped() {
    return clusterId != null;
  }

  // ---- copy-on-write helpers for the rules

  // ---- persistent (structure-sharing) helpers for the rules: O(log n) per changed entry

  static NavigableSet<String> withSerial(NavigableSet<String> in, String serialHex) {
    if (serialHex == null) {
      return in;
    }
    return set(in).plus(serialHex.toLowerCase(Locale.ROOT));
  }

  /** A persistent sorted copy of {@code in} (O(n): for maps built whole, not per write). */
  static <V> NavigableMap<String, V> sorted(Map<String, V> in) {
    return TreePMap.from(in);
  }

  /** {@code in} with {@code key} set to {@code value}; {@code in} is left as it was. */
  static <V> NavigableMap<String, V> with(NavigableMap<String, V> in, String key, V value) {
    return tree(in).plus(key, value);
  }

  /** {@code in} without {@code key}; {@code in} is left as it was. */
  static <V> NavigableMap<String, V> without(NavigableMap<String, V> in, String key) {
    return tree(in).minus(key);
  }

  /**
   * {@code in} as a persistent tree: itself when it is one (every map of a published state is), a
   * one-time copy otherwise (a map a caller built, e.g. in a test or a snapshot decoder).
   */
  static <V> TreePMap<String, V> tree(NavigableMap<String, V> in) {
    if (in instanceof TreePMap<String, V> p) {
      return p;
    }
    return in.comparator() == null ? TreePMap.from(in) : TreePMap.fromSortedMap(in);
  }

  /** An index (name or token to user id) as a persistent tree, for the rules to change. */
  static TreePMap<String, String> index(@Nullable Map<String, String> in) {
    if (in == null) {
      return TreePMap.empty();
    }
    if (in instanceof Index i) {
      return i.tree;
    }
    if (in instanceof TreePMap<String, String> p) {
      return p;
    }
    return TreePMap.from(in);
  }

  private static Index indexView(@Nullable Map<String, String> in) {
    return in instanceof Index i ? i : new Index(index(in));
  }

  /**
   * The published form of an index: read-only over a persistent tree, and a null key is simply
   * absent (the indexes were hash maps, which answer a lookup of null with false, not an exception;
   * the tree alone would throw).
   */
  static final class Index extends AbstractMap<String, String> {
    final TreePMap<String, String> tree;

    Index(TreePMap<String, String> tree) {
      this.tree = tree;
    }

    @Override
    public @Nullable String get(@Nullable Object key) {
      return key == null ? null : tree.get(key);
    }

    @Override
    public boolean containsKey(@Nullable Object key) {
      return key != null && tree.containsKey(key);
    }

    @Override
    public int size() {
      return tree.size();
    }

    @Override
    public Set<Map.Entry<String, String>> entrySet() {
      return Collections.unmodifiableSet(tree.entrySet());
    }
  }

  /** {@code in} as a persistent sorted set; itself when it is one. */
  static TreePSet<String> set(NavigableSet<String> in) {
    if (in instanceof TreePSet<String> p) {
      return p;
    }
    return in.comparator() == null ? TreePSet.from(in) : TreePSet.fromSortedSet(in);
  }

  private static <V> NavigableMap<String, V> orEmpty(@Nullable NavigableMap<String, V> m) {
    return m == null ? TreePMap.empty() : tree(m);
  }

  // ---- withers: one changed part, the rest shared

  State withIndex(long index) {
    return toBuilder().appliedIndex(index).build();
  }

  State withNodes(NavigableMap<String, Node> n) {
    return toBuilder().nodes(n).build();
  }

  State withUsers(
      NavigableMap<String, User> u, Map<String, String> byName, Map<String, String> byToken) {
    return toBuilder().users(u, byName, byToken).build();
  }

  State withEndpoints(NavigableMap<String, Endpoint> e) {
    return toBuilder().endpoints(e).build();
  }

  State withGrants(NavigableMap<String, Grant> g) {
    return toBuilder().grants(g).build();
  }

  State withAdminTokens(NavigableMap<String, AdminToken> t) {
    return toBuilder().adminTokens(t).build();
  }

  State withJoinTokens(NavigableMap<String, JoinToken> t) {
    return toBuilder().joinTokens(t).build();
  }

  State withJoinRequests(NavigableMap<String, JoinRequest> r) {
    return toBuilder().joinRequests(r).build();
  }

  State withAudit(AuditLog a) {
    return toBuilder().audit(a).build();
  }

  State withRevokedSerials(NavigableSet<String> r) {
    return toBuilder().revokedSerials(r).build();
  }

  State withSubscriptionSettings(SubscriptionSettings s) {
    return toBuilder().subscriptionSettings(s).build();
  }

  State withUsage(
      NavigableMap<String, NavigableMap<String, NodeUsage>> byUser,
      NavigableMap<String, Long> seqs) {
    return toBuilder().nodeUsage(byUser).usageSeqs(seqs).build();
  }

  State withXrayReports(NavigableMap<String, XrayReport> r) {
    return toBuilder().xrayReports(r).build();
  }

  State withGroups(NavigableMap<String, Group> g) {
    return toBuilder().groups(g).build();
  }

  State withGroupMembers(NavigableMap<String, NavigableSet<String>> m) {
    return toBuilder().groupMembers(m).build();
  }

  State withUserTemplates(NavigableMap<String, UserTemplate> t) {
    return toBuilder().userTemplates(t).build();
  }

  State withDevices(NavigableMap<String, NavigableMap<String, Device>> d) {
    return toBuilder().devices(d).build();
  }

  State withUsageHistory(UsageHistory h) {
    return toBuilder().usageHistory(h).build();
  }

  State withAdmins(NavigableMap<String, Admin> a) {
    return toBuilder().admins(a).build();
  }

  State withWebhooks(Webhooks w) {
    return toBuilder().webhooks(w).build();
  }

  /** The admin account named {@code username}, or null (names are few: a scan). */
  public Admin adminByUsername(String username) {
    for (Admin a : admins.values()) {
      if (a.username().equals(username)) {
        return a;
      }
    }
    return null;
  }

  State withCluster(String id, String caPem) {
    return toBuilder().clusterId(id).caCertPem(caPem).build();
  }

  /** Sets parts of a state by name; unset parts keep the value of the state it started from. */
  public static final class Builder {
    private long appliedIndex;
    private String clusterId;
    private String caCertPem;
    private NavigableMap<String, Node> nodes;
    private NavigableMap<String, User> users;
    private NavigableMap<String, Endpoint> endpoints;
    private NavigableMap<String, Grant> grants;
    private NavigableMap<String, AdminToken> adminTokens;
    private NavigableMap<String, JoinToken> joinTokens;
    private NavigableMap<String, JoinRequest> joinRequests;
    private AuditLog audit;
    private Map<String, String> userIdByName;
    private Map<String, String> userIdBySubscriptionToken;
    private NavigableSet<String> revokedSerials;
    private SubscriptionSettings subscriptionSettings;
    private NavigableMap<String, NavigableMap<String, NodeUsage>> nodeUsage;
    private NavigableMap<String, Long> usageSeqs;
    private NavigableMap<String, XrayReport> xrayReports;
    private NavigableMap<String, Group> groups;
    private NavigableMap<String, NavigableSet<String>> groupMembers;
    private ClusterSettings settings;
    private NavigableMap<String, UserTemplate> userTemplates;
    private NavigableMap<String, NavigableMap<String, Device>> devices;
    private UsageHistory usageHistory;
    private NavigableMap<String, Admin> admins;
    private int featureLevel;
    private Webhooks webhooks;

    private Builder() {}

    private Builder(State s) {
      appliedIndex = s.appliedIndex;
      clusterId = s.clusterId;
      caCertPem = s.caCertPem;
      nodes = s.nodes;
      users = s.users;
      endpoints = s.endpoints;
      grants = s.grants;
      adminTokens = s.adminTokens;
      joinTokens = s.joinTokens;
      joinRequests = s.joinRequests;
      audit = s.audit;
      userIdByName = s.userIdByName;
      userIdBySubscriptionToken = s.userIdBySubscriptionToken;
      revokedSerials = s.revokedSerials;
      subscriptionSettings = s.subscriptionSettings;
      nodeUsage = s.nodeUsage;
      usageSeqs = s.usageSeqs;
      xrayReports = s.xrayReports;
      groups = s.groups;
      groupMembers = s.groupMembers;
      settings = s.settings;
      userTemplates = s.userTemplates;
      devices = s.devices;
      usageHistory = s.usageHistory;
      admins = s.admins;
      featureLevel = s.featureLevel;
      webhooks = s.webhooks;
    }

    public Builder appliedIndex(long v) {
      appliedIndex = v;
      return this;
    }

    public Builder clusterId(String v) {
      clusterId = v;
      return this;
    }

    public Builder caCertPem(String v) {
      caCertPem = v;
      return this;
    }

    public Builder nodes(NavigableMap<String, Node> v) {
      nodes = v;
      return this;
    }

    /** The users with their name, subscription token and group indexes derived from them. */
    public Builder users(NavigableMap<String, User> v) {
      java.util.TreeMap<String, String> byName = new java.util.TreeMap<>();
      java.util.TreeMap<String, String> byToken = new java.util.TreeMap<>();
      java.util.TreeMap<String, java.util.TreeSet<String>> members = new java.util.TreeMap<>();
      for (User u : v.values()) {
        byName.put(u.name(), u.id());
        byToken.put(u.subscriptionToken(), u.id());
        for (String g : u.groupIds()) {
          members.computeIfAbsent(g, k -> new java.util.TreeSet<>()).add(u.id());
        }
      }
      TreePMap<String, NavigableSet<String>> index = TreePMap.empty();
      for (var e : members.entrySet()) {
        index = index.plus(e.getKey(), TreePSet.fromSortedSet(e.getValue()));
      }
      groupMembers = index;
      return users(v, index(byName), index(byToken));
    }

    /** The users with indexes the caller kept up to date (see {@link UserRules}). */
    Builder users(
        NavigableMap<String, User> v, Map<String, String> byName, Map<String, String> byToken) {
      users = v;
      userIdByName = byName;
      userIdBySubscriptionToken = byToken;
      return this;
    }

    public Builder endpoints(NavigableMap<String, Endpoint> v) {
      endpoints = v;
      return this;
    }

    public Builder grants(NavigableMap<String, Grant> v) {
      grants = v;
      return this;
    }

    public Builder adminTokens(NavigableMap<String, AdminToken> v) {
      adminTokens = v;
      return this;
    }

    public Builder joinTokens(NavigableMap<String, JoinToken> v) {
      joinTokens = v;
      return this;
    }

    public Builder joinRequests(NavigableMap<String, JoinRequest> v) {
      joinRequests = v;
      return this;
    }

    public Builder audit(AuditLog v) {
      audit = v;
      return this;
    }

    public Builder revokedSerials(NavigableSet<String> v) {
      revokedSerials = v;
      return this;
    }

    public Builder subscriptionSettings(SubscriptionSettings v) {
      subscriptionSettings = v;
      return this;
    }

    public Builder nodeUsage(NavigableMap<String, NavigableMap<String, NodeUsage>> v) {
      nodeUsage = v;
      return this;
    }

    public Builder usageSeqs(NavigableMap<String, Long> v) {
      usageSeqs = v;
      return this;
    }

    public Builder xrayReports(NavigableMap<String, XrayReport> v) {
      xrayReports = v;
      return this;
    }

    public Builder groups(NavigableMap<String, Group> v) {
      groups = v;
      return this;
    }

    /** The group membership index; {@link #users(NavigableMap)} derives it. */
    Builder groupMembers(NavigableMap<String, NavigableSet<String>> v) {
      groupMembers = v;
      return this;
    }

    public Builder settings(ClusterSettings v) {
      settings = v;
      return this;
    }

    public Builder userTemplates(NavigableMap<String, UserTemplate> v) {
      userTemplates = v;
      return this;
    }

    /** User id to hwid to device. */
    public Builder devices(NavigableMap<String, NavigableMap<String, Device>> v) {
      devices = v;
      return this;
    }

    public Builder usageHistory(UsageHistory v) {
      usageHistory = v;
      return this;
    }

    /** Admin accounts by id. */
    public Builder admins(NavigableMap<String, Admin> v) {
      admins = v;
      return this;
    }

    /** The cluster's feature level ({@link Features}); below {@link Features#BASE} means BASE. */
    public Builder featureLevel(int v) {
      featureLevel = v;
      return this;
    }

    /** Webhooks, their outbox and its bookkeeping (docs/webhooks.md). */
    public Builder webhooks(Webhooks v) {
      webhooks = v;
      return this;
    }

    public State build() {
      return new State(
          appliedIndex,
          clusterId,
          caCertPem,
          nodes,
          users,
          endpoints,
          grants,
          adminTokens,
          joinTokens,
          joinRequests,
          audit,
          userIdByName,
          userIdBySubscriptionToken,
          revokedSerials,
          subscriptionSettings,
          nodeUsage,
          usageSeqs,
          xrayReports,
          groups,
          groupMembers,
          settings,
          userTemplates,
          devices,
          usageHistory,
          admins,
          featureLevel,
          webhooks);
    }
  }
}
