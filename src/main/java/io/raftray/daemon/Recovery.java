package io.raftray.daemon;

import io.raftray.cluster.RaftNode;
import io.raftray.config.ConfigException;
import io.raftray.config.NodeConfig;
import io.raftray.config.NodeConfigFile;
import io.raftray.join.Admission;
import io.raftray.model.Causes;
import io.raftray.model.Node;
import io.raftray.model.NodeStatus;
import io.raftray.pki.NodeIdentity;
import io.raftray.pki.PrivateFiles;
import io.raftray.state.Rebase;
import io.raftray.state.Replay;
import io.raftray.state.SnapshotCodec;
import io.raftray.state.State;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.raftlog.segmented.LogSegment;
import org.apache.ratis.server.raftlog.segmented.LogSegmentPath;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;
import org.apache.ratis.util.SizeInBytes;
import org.jspecify.annotations.NullMarked;

/**
 * {@code raftray recover --force-new-cluster}: turns a stopped node whose majority is gone for good
 * into a one-node cluster from its own committed state (docs/operations.md, "Disaster recovery").
 *
 * <p>The committed state is the newest snapshot plus the log entries up to the commit index this
 * node knows (the newest commit-metadata entry in its log, which is also what Ratis itself takes as
 * the commit index on start). Entries past it may or may not have been committed elsewhere; they
 * are left out and named in the result. The old {@code raft/} directory is kept as {@code
 * raft.before-recover-<time>/}; the new one is seeded by {@link SeededStorage} with every other
 * member removed ({@link Rebase#forRecover}) and node.json names only this node as initial peer.
 * Same cluster id, CA and node identity.
 */
@NullMarked
public final class Recovery {
  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  private Recovery() {}

  /**
   * What recover did: the index kept (the commit index), the newest index the log held (entries
   * after {@code kept} were dropped), the new state's index, the removed members' names, where the
   * old raft directory went, and whether this node holds the CA key (new nodes can join only
   * through a CA holder).
   */
  public record Recovered(
      long kept,
      long lastInLog,
      long newIndex,
      List<String> removed,
      Path oldRaftDir,
      boolean holdsCaKey,
      int users) {}

  /** Recovers the stopped node in {@code dataDir}; nothing changes when it fails. */
  public static Recovered recover(Path dataDir, Clock clock) throws StartupException {
    NodeConfig config;
    try {
      config = NodeConfigFile.read(dataDir);
    } catch (ConfigException e) {
      throw new StartupException(e.getMessage(), e);
    }
    if (Admission.isPending(config)) {
      throw new StartupException(
          "node " + config.name() + " joined but was never admitted: it holds no cluster state");
    }
    Path groupDir =
        config.raftDir().resolve(RaftNode.groupId(config.clusterId()).getUuid().toString());
    if (!Files.isDirectory(groupDir)) {
      throw new StartupException("no raft storage in " + config.raftDir());
    }
    Read read = read(groupDir, config);
    State committed = read.state;
    Node self = committed.nodes().get(config.nodeId());
    if (self == null || self.status() == NodeStatus.REMOVED) {
      throw new StartupException(
          "node " + config.name() + " is not a member in its own committed state (removed?)");
    }
    List<String> removed = new ArrayList<>();
    for (Node n : committed.nodes().values()) {
      if (!n.id().equals(self.id()) && n.status() != NodeStatus.REMOVED) {
        removed.add(n.name());
      }
    }
    State rebased =
        Rebase.forRecover(committed, self.id(), clock.instant().truncatedTo(ChronoUnit.MILLIS));
    Path old = dataDir.resolve("raft.before-recover-" + STAMP.format(clock.instant()));
    if (Files.exists(old)) {
      throw new StartupException(old + " already exists: try again in a second");
    }
    Path raftDir = config.raftDir();
    try {
      Files.move(raftDir, old);
    } catch (IOException e) {
      throw new StartupException("cannot move " + raftDir + " aside: " + Causes.rootMessage(e), e);
    }
    try {
      PrivateFiles.createDir(raftDir, "raft directory");
      SeededStorage.seed(raftDir, config.clusterId(), rebased, read.term);
      NodeConfigFile.write(
          config.toBuilder()
              .initialPeers(List.of(new NodeConfig.Peer(config.nodeId(), config.apiBaseUrl())))
              .build());
    } catch (IOException | RuntimeException e) {
      undo(raftDir, old);
      throw new StartupException("recover failed, nothing changed: " + Causes.rootMessage(e), e);
    }
    return new Recovered(
        committed.appliedIndex(),
        read.lastIndex,
        rebased.appliedIndex(),
        removed,
        old,
        NodeIdentity.loadCaKey(dataDir).isPresent(),
        rebased.users().size());
  }

  private record Read(State state, long term, long lastIndex) {}

  /** The committed state of the storage in {@code groupDir}; fails while the node runs. */
  private static Read read(Path groupDir, NodeConfig config) throws StartupException {
    try (RaftStorage storage =
        RaftStorage.newBuilder()
            .setDirectory(groupDir.toFile())
            .setOption(RaftStorage.StartupOption.RECOVER)
            .setStorageFreeSpaceMin(SizeInBytes.valueOf(0))
            .setLogCorruptionPolicy(RaftServerConfigKeys.Log.CorruptionPolicy.WARN_AND_RETURN)
            .build()) {
      try {
        storage.initialize();
      } catch (IOException e) {
        String why = Causes.rootMessage(e);
        if (why != null && why.toLowerCase(java.util.Locale.ROOT).contains("lock")) {
          throw new StartupException(
              "node " + config.name() + " is running (its raft storage is locked): stop it first");
        }
        throw new StartupException("cannot open the raft storage in " + groupDir + ": " + why, e);
      }
      long term = storage.getMetadataFile().getMetadata().getTerm();
      SimpleStateMachineStorage sm = new SimpleStateMachineStorage();
      sm.init(storage);
      SingleFileSnapshotInfo snap = sm.loadLatestSnapshot();
      State from = State.empty();
      if (snap != null) {
        from = SnapshotCodec.decode(snap.getFile().getPath());
        term = Math.max(term, snap.getTerm());
      }
      List<LogEntryProto> entries = new ArrayList<>();
      long[] commit = {from.appliedIndex()};
      for (LogSegmentPath p : LogSegmentPath.getLogSegmentPaths(storage)) {
        LogSegment.readSegmentFile(
            p.getPath().toFile(),
            p.getStartEnd(),
            SizeInBytes.valueOf("64MB"),
            RaftServerConfigKeys.Log.CorruptionPolicy.WARN_AND_RETURN,
            null,
            e -> {
              if (e.hasMetadataEntry()) {
                commit[0] = Math.max(commit[0], e.getMetadataEntry().getCommitIndex());
              }
              entries.add(e);
            });
      }
      entries.sort(java.util.Comparator.comparingLong(LogEntryProto::getIndex));
      Replay replay = new Replay(from);
      long last = from.appliedIndex();
      for (LogEntryProto e : entries) {
        last = Math.max(last, e.getIndex());
        if (e.getIndex() <= commit[0]) {
          replay.apply(e);
          term = Math.max(term, e.getTerm());
        }
      }
      State s = replay.state();
      if (!s.bootstrapped()) {
        throw new StartupException("the raft storage holds no committed cluster state");
      }
      return new Read(s, term, last);
    } catch (IOException e) {
      throw new StartupException(
          "cannot read the committed state in " + groupDir + ": " + Causes.rootMessage(e), e);
    }
  }

  private static void undo(Path raftDir, Path old) {
    try (var s = Files.walk(raftDir)) {
      s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // best effort; the move back below is what matters
    }
    try {
      Files.move(old, raftDir);
    } catch (IOException ignored) {
      // the old directory stays under its new name, which the error names
    }
  }
}
