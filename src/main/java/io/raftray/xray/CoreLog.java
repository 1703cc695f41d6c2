package io.raftray.xray;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * The core's stdout and stderr, {@code xray.log}, kept under a size. The child writes straight to
 * the file (opened with O_APPEND), so it keeps logging after the daemon dies and can be adopted.
 * When the file is larger than the limit it is copied to {@code xray.log.1} (replacing the older
 * copy) and truncated in place; with O_APPEND the child's next write lands at the new end. Lines
 * written between the copy and the truncation are lost; the core logs at level warning, so that
 * window rarely holds any.
 */
final class CoreLog {
  private CoreLog() {}

  /** Rotates when {@code log} is larger than {@code maxBytes}; true when it did. */
  static boolean rotateIfLarger(Path log, long maxBytes) throws IOException {
    if (!Files.exists(log) || Files.size(log) <= maxBytes) {
      return false;
    }
    Path old = log.resolveSibling(log.getFileName() + ".1");
    Files.copy(log, old, StandardCopyOption.REPLACE_EXISTING);
    try (FileChannel ch = FileChannel.open(log, StandardOpenOption.WRITE)) {
      ch.truncate(0);
    }
    return true;
  }
}
