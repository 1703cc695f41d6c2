package io.raftray.cluster;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.impl.OrderedAsync;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.proto.RaftProtos.RoleInfoProto;
import org.apache.ratis.proto.RaftProtos.ServerRpcProto;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.GroupInfoReply;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.SetConfigurationRequest;
import org.apache.ratis.protocol.exceptions.AlreadyClosedException;
import org.apache.ratis.protocol.exceptions.LeaderSteppingDownException;
import org.apache.ratis.protocol.exceptions.RaftRetryFailureException;
import org.apache.ratis.protocol.exceptions.TimeoutIOException;
import org.apache.ratis.protocol.exceptions.TransferLeadershipException;
import org.apache.ratis.server.DivisionInfo;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.storage.RaftStorage.StartupOption;
import org.apache.ratis.statemachine.StateMachine;

/**
 * One member of the cluster's Raft group: a Ratis server on the HTTPS transport plus a client that
 * reaches the leader from this node.
 *
 * <p>Writes and linearizable reads are bounded by {@link RaftNodeConfig#writeDeadline()} and fail
 * with {@link ClusterUnavailableException} instead of hanging when no quorum is reachable.
 */
public final class RaftNode implements AutoCloseable {
  /** How long a follower waits for the leader's view of the other followers. */
  static final Duration LEADER_VIEW_WAIT = Duration.ofMillis(1500);

  /** How long a follower reuses the leader's answer. */
  static final Duration LEADER_VIEW_MAX_AGE = Duration.ofSeconds(1);

  private final RaftServer server;
  private final RaftClient client;
  private final RaftGroupId groupId;
  private final Duration writeDeadline;
  private final Duration electionTimeoutMin;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicReference<LeaderView> leaderView = new AtomicReference<>();

  private RaftNode(
      RaftServer server,
      RaftClient client,
      RaftGroupId groupId,
      Duration deadline,
      Duration electionTimeoutMin) {
    this.server = server;
    this.client = client;
    this.groupId = groupId;
    this.writeDeadline = deadline;
    this.electionTimeoutMin = electionTimeoutMin;
  }

  /** The Raft peer id of a node id. */
  public static RaftPeerId peerId(String nodeId) {
    return RaftPeerId.valueOf(nodeId);
  }

  /** The Raft group id of a cluster: stable across restarts and identical on every node. */
  public static RaftGroupId groupId(String clusterId) {
    return RaftGroupId.valueOf(UUID.nameUUIDFromBytes(("raftray:" + clusterId).getBytes(UTF_8)));
  }

  /**
   * Starts the server, formatting storage on first start and recovering it afterwards. The caller
   * must have mounted (or mount soon) a {@link RaftHttpService} returning {@link #server()}.
   */
  public static RaftNode start(RaftNodeConfig cfg, StateMachine sm) throws IOException {
    return start(cfg, sm, false);
  }

  /**
   * Like {@link #start(RaftNodeConfig, StateMachine)}; with {@code awaitAdmission} (a node that
   * joined but is not yet in the group) a fresh storage is formatted with an empty configuration.
   * Ratis then keeps this server in its initializing state — no election timer — until the leader
   * adds it. Formatted with itself in the configuration, the new server would time out, ask for
   * votes, and be told by the leader to shut down (it is not in the leader's configuration yet),
   * which under load left joined nodes stuck.
   */
  public static RaftNode start(RaftNodeConfig cfg, StateMachine sm, boolean awaitAdmission)
      throws IOException {
    RaftGroupId groupId = groupId(cfg.clusterId());
    RaftPeerId id = peerId(cfg.nodeId());
    List<RaftPeer> peers =
        cfg.peers().stream()
            .map(
                p ->
                    RaftPeer.newBuilder().setId(peerId(p.nodeId())).setAddress(p.baseUrl()).build())
            .toList();
    RaftGroup group = RaftGroup.valueOf(groupId, peers);
    var properties = RatisSettings.of(cfg);
    Parameters parameters =
        TransportParameters.create(cfg.httpClient(), cfg.signer(), cfg.bindAddress());
    TransportParameters.setFeatureLevels(parameters, cfg.featureLevels());
    StartupOption option =
        hasData(cfg.storageDir(), groupId) ? StartupOption.RECOVER : StartupOption.FORMAT;
    // Ratis accepts a group without this server only when it is empty.
    RaftGroup serverGroup = awaitAdmission ? RaftGroup.valueOf(groupId) : group;

    RaftServer server =
        RaftServer.newBuilder()
            .setServerId(id)
            .setGroup(serverGroup)
            .setStateMachine(sm)
            .setProperties(properties)
            .setParameters(parameters)
            .setOption(option)
            .build();
    TransportParameters.setLocalServer(parameters, server);
    RaftClient client = null;
    try {
      server.start();
      client =
          RaftClient.newBuilder()
              .setClientId(ClientId.randomId())
              .setRaftGroup(group)
              .setLeaderId(id) // first hop is in-process; NotLeaderException points onwards
              .setProperties(properties)
              .setParameters(parameters)
              .setRetryPolicy(RatisSettings.boundedRetry(cfg.writeDeadline()))
              .build();
      return new RaftNode(server, client, groupId, cfg.writeDeadline(), cfg.electionTimeoutMin());
    } catch (IOException | RuntimeException e) {
      closeQuietly(client, e);
      closeQuietly(server, e);
      throw e;
    }
  }

  /** Ratis keeps one directory per group, named by the group's UUID, under the storage dir. */
  private static boolean hasData(Path storageDir, RaftGroupId groupId) {
    return Files.exists(storageDir.resolve(groupId.getUuid().toString()));
  }

  /**
   * Replicates {@code cmd} through the leader and returns the state machine's result once it is
   * committed and applied on the leader.
   *
   * @throws ClusterUnavailableException when no leader accepted it within the write deadline
   */
  public Message submit(Message cmd) {
    ensureOpen();
    long end = System.nanoTime() + writeDeadline.toNanos();
    Duration sleep = RatisSettings.RETRY_FIRST;
    while (true) {
      try {
        return client.io().send(cmd).getMessage();
      } catch (LeaderSteppingDownException e) {
        // The leader is handing over (a clean stop, LeadershipHandover) and refused the write
        // before logging it, so it is sent again; Ratis' client gives up on this at once.
        if (System.nanoTime() + sleep.toNanos() >= end) {
          throw translate("write", e);
        }
        pause(sleep, e);
        Duration doubled = sleep.multipliedBy(2);
        sleep = doubled.compareTo(RatisSettings.RETRY_MAX) > 0 ? RatisSettings.RETRY_MAX : doubled;
      } catch (IOException e) {
        throw translate("write", e);
      }
    }
  }

  private void pause(Duration d, IOException cause) {
    try {
      Thread.sleep(d);
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
      throw translate("write", cause);
    }
  }

  /**
   * Returns once this node's state machine has applied every entry committed before the call (a
   * Raft ReadIndex served by the local server, without querying the state machine).
   *
   * @throws ClusterUnavailableException when the leader could not confirm within the deadline
   */
  public void awaitLinearizable() {
    queryLinearizable(OrderedAsync.DUMMY);
  }

  /** Runs {@code query} on the local state machine after a ReadIndex barrier. */
  public Message queryLinearizable(Message query) {
    ensureOpen();
    try {
      RaftClientReply reply = client.io().sendReadOnly(query, server.getId());
      return reply.getMessage();
    } catch (IOException e) {
      throw translate("linearizable read", e);
    }
  }

  /**
   * Asks the leader to add {@code nodeId} (reached at {@code baseUrl}) as a voter and returns once
   * the new configuration is committed. Mode ADD changes only this peer, so concurrent callers
   * cannot drop each other's members; Ratis refuses a second change while one is in progress (the
   * caller retries) and holds a new peer back until it has caught up, so the peer must be running.
   * Adding a peer that is already a member changes nothing and succeeds.
   *
   * @throws IOException when the change was refused, timed out or no leader was reachable
   */
  public void addVoter(String nodeId, String baseUrl) throws IOException {
    ensureOpen();
    RaftPeer peer = RaftPeer.newBuilder().setId(peerId(nodeId)).setAddress(baseUrl).build();
    RaftClientReply reply =
        client
            .admin()
            .setConfiguration(
                SetConfigurationRequest.Arguments.newBuilder()
                    .setServersInNewConf(List.of(peer))
                    .setMode(SetConfigurationRequest.Mode.ADD)
                    .build());
    if (!reply.isSuccess()) {
      IOException e = reply.getException();
      throw e != null ? e : new IOException("adding " + nodeId + " to the raft group failed");
    }
  }

  /**
   * Asks the leader to drop {@code nodeId} from the voters and returns once the new configuration
   * is committed. Ratis has no REMOVE mode, so this is a compare-and-set against the configuration
   * this node knows: a concurrent change (or a stale local view) makes it fail, and the caller
   * retries. Removing a peer that is not a member changes nothing and succeeds. Ratis shuts the
   * Raft server of a leader down when it commits a configuration without itself, so callers move
   * leadership away from {@code nodeId} first ({@link #transferLeadership}).
   *
   * @throws IOException when the change was refused, timed out or no leader was reachable
   */
  public void removeVoter(String nodeId) throws IOException {
    ensureOpen();
    RaftPeerId target = peerId(nodeId);
    List<RaftPeer> current = List.copyOf(division().getRaftConf().getCurrentPeers());
    if (current.stream().noneMatch(p -> p.getId().equals(target))) {
      return;
    }
    List<RaftPeer> remaining = current.stream().filter(p -> !p.getId().equals(target)).toList();
    if (remaining.isEmpty()) {
      throw new IOException("cannot remove the last voter " + nodeId);
    }
    RaftClientReply reply =
        client
            .admin()
            .setConfiguration(
                SetConfigurationRequest.Arguments.newBuilder()
                    .setServersInCurrentConf(current)
                    .setServersInNewConf(remaining)
                    .setMode(SetConfigurationRequest.Mode.COMPARE_AND_SET)
                    .build());
    if (!reply.isSuccess()) {
      IOException e = reply.getException();
      throw e != null ? e : new IOException("removing " + nodeId + " from the raft group failed");
    }
  }

  /**
   * Asks the current leader to hand leadership to {@code nodeId} (a voter) and waits until it has,
   * at most {@code timeout}. Transferring to the current leader succeeds at once. Ratis refuses a
   * transfer while a membership change is staged or not yet committed (as right after a node has
   * joined); such a refusal is retried, backing off from 20 ms, until the change is done or the
   * timeout has passed.
   *
   * @throws IOException when the transfer was refused or did not finish in time
   */
  public void transferLeadership(String nodeId, Duration timeout) throws IOException {
    ensureOpen();
    RaftPeerId target = peerId(nodeId);
    long deadline = System.nanoTime() + timeout.toNanos();
    long backoffMs = 20;
    while (true) {
      if (leaderId().map(target::equals).orElse(false)) {
        return;
      }
      long leftMs = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
      IOException e;
      try {
        RaftClientReply reply = client.admin().transferLeadership(target, leftMs);
        if (reply.isSuccess()) {
          return;
        }
        e = reply.getException();
      } catch (IOException thrown) {
        e = thrown;
      }
      if (e == null) {
        throw new IOException("transferring leadership to " + nodeId + " failed");
      }
      if (!isReconfigurationInProgress(e) || System.nanoTime() + backoffMs * 1_000_000 > deadline) {
        throw e;
      }
      try {
        Thread.sleep(backoffMs);
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
        throw e;
      }
      backoffMs = Math.min(500, backoffMs * 2);
    }
  }

  /** Ratis' refusal of a leadership transfer while a membership change is under way. */
  static boolean isReconfigurationInProgress(IOException e) {
    String m = String.valueOf(e.getMessage());
    return (e instanceof TransferLeadershipException
            || m.contains("refused to transfer leadership"))
        && m.contains("reconfiguration in progress");
  }

  /**
   * The first step of a clean stop. When this node leads a group with other voters, it hands
   * leadership to the most up-to-date follower among those that answered it within the election
   * timeout minimum, and waits at most {@code timeout} for the new leader; the others then need no
   * election timeout to find one. Never throws: the outcome says what happened.
   */
  public Handover handOverLeadership(Duration timeout) {
    if (closed.get()) {
      return new Handover(Handover.Outcome.NOT_LEADER, "closed");
    }
    try {
      return LeadershipHandover.run(this, timeout, electionTimeoutMin);
    } catch (RuntimeException e) {
      return new Handover(Handover.Outcome.FAILED, String.valueOf(e.getMessage()));
    }
  }

  /** What {@link #handOverLeadership} did; {@code detail} is one lowercase phrase. */
  public record Handover(Outcome outcome, String detail) {
    public enum Outcome {
      /** Not the leader (or already closed): nothing to hand over. */
      NOT_LEADER,
      /** The only voter: there is nobody to hand over to. */
      NO_OTHER_VOTER,
      HANDED_OVER,
      /** No healthy follower, a refusal or no new leader in time: the stop goes on anyway. */
      FAILED
    }
  }

  /** Voting members of the configuration this node knows. */
  public List<String> voterIds() {
    return division().getRaftConf().getCurrentPeers().stream()
        .map(p -> p.getId().toString())
        .toList();
  }

  /**
   * What this node knows about its peers' replication progress. On the leader: every follower's
   * match index and the time since its last answer. On a follower: the time since the leader last
   * reached it and, as the leader reports them, the times since the other followers answered the
   * leader (no match index).
   */
  public Progress progress() {
    DivisionInfo info = info();
    RoleInfoProto role = info.getRoleInfoProto();
    Map<String, Peer> peers = new LinkedHashMap<>();
    if (role.hasLeaderInfo()) {
      List<ServerRpcProto> followers = role.getLeaderInfo().getFollowerInfoList();
      // Both lists come from the leader's log appenders in the same order.
      long[] match = info.getFollowerMatchIndices();
      for (int i = 0; i < followers.size(); i++) {
        ServerRpcProto f = followers.get(i);
        Long m = match != null && match.length == followers.size() ? match[i] : null;
        peers.put(f.getId().getId().toStringUtf8(), new Peer(m, f.getLastRpcElapsedTimeMs()));
      }
    } else if (role.hasFollowerInfo() && role.getFollowerInfo().hasLeaderInfo()) {
      ServerRpcProto leader = role.getFollowerInfo().getLeaderInfo();
      RaftPeerId leaderId = RaftPeerId.valueOf(leader.getId().getId());
      // The leader alone sees every follower: its contact times, asked for over the transport.
      leaderFollowers(leaderId).forEach((id, ms) -> peers.put(id, new Peer(null, ms)));
      peers.put(leaderId.toString(), new Peer(null, leader.getLastRpcElapsedTimeMs()));
    }
    return new Progress(id().toString(), role(), commitIndex(), peers);
  }

  /**
   * The leader's time since each follower last answered, as the leader reports it in a group info
   * reply; at most {@link #LEADER_VIEW_WAIT} is spent waiting, at most one request is in flight,
   * and an answer is reused for {@link #LEADER_VIEW_MAX_AGE}. Empty when the leader does not answer
   * in time (its followers are then unknown to this node, not healthy).
   */
  private Map<String, Long> leaderFollowers(RaftPeerId leader) {
    long now = System.nanoTime();
    LeaderView last = leaderView.get();
    if (last != null
        && last.leader.equals(leader)
        && last.answer.isDone()
        && now - last.askedAt < LEADER_VIEW_MAX_AGE.toNanos()) {
      return last.answer.getNow(Map.of());
    }
    if (last == null || !last.leader.equals(leader) || last.answer.isDone()) {
      LeaderView next = new LeaderView(leader, now, new CompletableFuture<>());
      if (leaderView.compareAndSet(last, next)) {
        Thread.ofVirtual()
            .name("raft-leader-view")
            .start(() -> next.answer.complete(askLeaderForFollowers(leader)));
        last = next;
      } else {
        last = leaderView.get();
      }
    }
    try {
      return last.answer.get(LEADER_VIEW_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Map.of();
    } catch (ExecutionException | TimeoutException e) {
      return Map.of();
    }
  }

  private Map<String, Long> askLeaderForFollowers(RaftPeerId leader) {
    Map<String, Long> out = new LinkedHashMap<>();
    try {
      GroupInfoReply reply = client.getGroupManagementApi(leader).info(groupId);
      RoleInfoProto role = reply.getRoleInfoProto();
      if (reply.isSuccess() && role != null && role.hasLeaderInfo()) {
        for (ServerRpcProto f : role.getLeaderInfo().getFollowerInfoList()) {
          out.put(f.getId().getId().toStringUtf8(), f.getLastRpcElapsedTimeMs());
        }
      }
    } catch (IOException | RuntimeException e) {
      // no answer: the followers stay unknown to this node
    }
    return out;
  }

  private record LeaderView(
      RaftPeerId leader, long askedAt, CompletableFuture<Map<String, Long>> answer) {}

  /** One peer as this node sees it; {@code matchIndex} is known only on the leader. */
  public record Peer(Long matchIndex, long lastContactMs) {}

  /** {@link #progress()}: whose view it is, its role and commit index, and the peers it knows. */
  public record Progress(String viewFrom, String role, long commitIndex, Map<String, Peer> peers) {}

  private RuntimeException translate(String what, IOException e) {
    if (e instanceof RaftRetryFailureException
        || e instanceof LeaderSteppingDownException
        || e instanceof TimeoutIOException
        || e instanceof AlreadyClosedException) {
      return new ClusterUnavailableException(
          "no raft leader reachable within " + human(writeDeadline) + " for " + what, e);
    }
    return new UncheckedIOException(what + " failed: " + e.getMessage(), e);
  }

  private static String human(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
  }

  public RaftPeerId id() {
    return server.getId();
  }

  public Optional<RaftPeerId> leaderId() {
    return Optional.ofNullable(info().getLeaderId());
  }

  public long term() {
    return info().getCurrentTerm();
  }

  /** LEADER, FOLLOWER, CANDIDATE or LISTENER. */
  public String role() {
    return info().getCurrentRole().name();
  }

  public long commitIndex() {
    return division().getRaftLog().getLastCommittedIndex();
  }

  public long lastAppliedIndex() {
    return info().getLastAppliedIndex();
  }

  /** Current voting and listener members as the committed configuration states them. */
  public List<RaftPeer> peers() {
    return List.copyOf(division().getRaftConf().getAllPeers());
  }

  public RaftServer server() {
    return server;
  }

  private DivisionInfo info() {
    return division().getInfo();
  }

  private RaftServer.Division division() {
    try {
      return server.getDivision(groupId);
    } catch (IOException e) {
      throw new UncheckedIOException("raft group " + groupId + " is not served here", e);
    }
  }

  private void ensureOpen() {
    if (closed.get()) {
      throw new IllegalStateException("raft node " + server.getId() + " is closed");
    }
  }

  @Override
  public void close() throws IOException {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    IOException failure = null;
    try {
      client.close();
    } catch (IOException e) {
      failure = e;
    }
    try {
      server.close();
    } catch (IOException e) {
      if (failure == null) {
        failure = e;
      } else {
        failure.addSuppressed(e);
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  private static void closeQuietly(AutoCloseable c, Exception primary) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (Exception e) {
      primary.addSuppressed(e);
    }
  }
}
