package io.raftray.daemon;

import io.raftray.cluster.RaftNode;
import io.raftray.state.SnapshotCodec;
import io.raftray.state.State;
import java.io.File;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.server.storage.RaftStorageMetadata;
import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.apache.ratis.util.MD5FileUtil;

/**
 * Seeds an empty Raft storage directory so that a one-member group starts from a given {@link
 * State} (restore and recover; docs/ARCHITECTURE.md, "Seeded storage").
 *
 * <p>Decision: the state goes in as the group's first state-machine snapshot ({@code
 * sm/snapshot.<term>_<index>} + {@code .md5}, the files {@code RaftrayStateMachine} writes itself),
 * not as a replicated command. With Ratis 3.3.0 a server started with RECOVER on such a directory
 * loads the snapshot ({@code initialize}), opens an empty log that starts after the snapshot index,
 * takes its configuration from the group it is started with (the log holds none), elects itself and
 * logs that configuration as its first entry. A node that joins later finds the log starting after
 * the snapshot, so the leader sends it the snapshot file in {@code InstallSnapshot} chunks (capped
 * by {@code RatisSettings}, within {@code BodyGate}'s Raft route cap), exactly as for any follower
 * that fell behind a purged log. A command carrying the whole state would be one log entry of the
 * state's size: past the 4 MiB AppendEntries batch and the 5 MiB body cap of the Raft route once
 * the state grows, sent whole to every joining node, and replayed by every restart until the next
 * snapshot.
 */
final class SeededStorage {
  private SeededStorage() {}

  /**
   * Writes the storage of {@code clusterId}'s group under {@code raftDir} (which must hold no group
   * directory yet) with {@code state} as its snapshot at ({@code term}, the state's applied index),
   * and {@code term} as the current term. Returns the snapshot file.
   */
  static Path seed(Path raftDir, String clusterId, State state, long term) throws IOException {
    Path groupDir = raftDir.resolve(RaftNode.groupId(clusterId).getUuid().toString());
    if (Files.exists(groupDir)) {
      throw new IOException(groupDir + " already exists");
    }
    Files.createDirectory(groupDir);
    try (RaftStorage storage =
        RaftStorage.newBuilder()
            .setDirectory(groupDir.toFile())
            .setOption(RaftStorage.StartupOption.FORMAT)
            .setStorageFreeSpaceMin(RaftServerConfigKeys.STORAGE_FREE_SPACE_MIN_DEFAULT)
            .setLogCorruptionPolicy(RaftServerConfigKeys.Log.CorruptionPolicy.getDefault())
            .build()) {
      storage.initialize();
      // The snapshot's term is the node's current term: the first election then runs in a later
      // term, so every entry after the snapshot has a term at least the snapshot's.
      storage.getMetadataFile().persist(RaftStorageMetadata.valueOf(term, null));
      SimpleStateMachineStorage sm = new SimpleStateMachineStorage();
      sm.init(storage);
      File file = sm.getSnapshotFile(term, state.appliedIndex());
      Files.createDirectories(file.toPath().getParent());
      // Streamed and forced to the device: a restored state's bytes are never held in memory.
      SnapshotCodec.writeNew(state, file.toPath());
      MD5FileUtil.computeAndSaveMd5ForFile(file);
      syncDir(file.toPath().getParent());
      syncDir(groupDir);
      return file.toPath();
    }
  }

  private static void syncDir(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }
}
