package io.raftray.xray;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Logger;

/** Process and socket helpers of {@link XraySupervisor} (Linux: reads {@code /proc}). */
final class CoreProcesses {
  private static final Logger LOG = Logger.getLogger(XraySupervisor.class.getName());

  private CoreProcesses() {}

  /** A live process whose command line names {@code configFile}: pid file first, then /proc. */
  static Optional<ProcessHandle> findPrevious(Path pidFile, Path configFile) {
    String cfg = configFile.toString();
    try {
      long pid = Long.parseLong(Files.readString(pidFile).strip());
      Optional<ProcessHandle> h =
          ProcessHandle.of(pid).filter(ProcessHandle::isAlive).filter(x -> runsConfig(x, cfg));
      if (h.isPresent()) {
        return h;
      }
    } catch (IOException | NumberFormatException e) {
      // no pid file (first start, clean stop) or a damaged one: fall back to the scan
    }
    long self = ProcessHandle.current().pid();
    return ProcessHandle.allProcesses()
        .filter(h -> h.pid() != self && runsConfig(h, cfg))
        .findFirst();
  }

  /** True when one argument of the process's command line is exactly {@code configPath}. */
  static boolean runsConfig(ProcessHandle h, String configPath) {
    try {
      byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(h.pid()), "cmdline"));
      for (String arg : new String(raw, StandardCharsets.UTF_8).split("\0")) {
        if (arg.equals(configPath)) {
          return true;
        }
      }
      return false;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /** Whether the process runs {@code bin}; true when that cannot be checked (permissions). */
  static boolean runsBinary(ProcessHandle h, Path bin) {
    try {
      Path exe = Files.readSymbolicLink(Path.of("/proc", Long.toString(h.pid()), "exe"));
      Path resolved = resolveOnPath(bin);
      return resolved == null || exe.equals(resolved.toRealPath());
    } catch (IOException | UnsupportedOperationException e) {
      return true; // the command line already names our config
    }
  }

  private static Path resolveOnPath(Path bin) {
    if (bin.getNameCount() > 1 || bin.isAbsolute()) {
      return bin;
    }
    String path = System.getenv("PATH");
    for (String d : path == null ? new String[0] : path.split(File.pathSeparator)) {
      Path p = Path.of(d).resolve(bin);
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    return null;
  }

  /** SIGTERM, then SIGKILL when it is still alive after {@code grace}; waits for the exit. */
  static void stop(ProcessHandle h, Duration grace) {
    if (!h.isAlive()) {
      return;
    }
    h.destroy();
    try {
      h.onExit().get(grace.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      LOG.warning("core pid " + h.pid() + " ignored SIGTERM; killing it");
      h.destroyForcibly();
      try {
        h.onExit().get(5, TimeUnit.SECONDS);
      } catch (InterruptedException again) {
        Thread.currentThread().interrupt();
      } catch (ExecutionException | TimeoutException again) {
        LOG.warning("core pid " + h.pid() + " did not exit after SIGKILL");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      h.destroyForcibly();
    } catch (ExecutionException e) {
      h.destroyForcibly();
    }
  }

  /** Removes the pid file when it still names {@code pid}. */
  static void deletePidFile(Path pidFile, long pid) {
    try {
      if (Files.exists(pidFile) && Files.readString(pidFile).strip().equals(Long.toString(pid))) {
        Files.delete(pidFile);
      }
    } catch (IOException e) {
      LOG.fine("cannot remove " + pidFile + ": " + e.getMessage());
    }
  }

  static boolean portOpen(String host, int port, int timeoutMillis) {
    return connectError(host, port, timeoutMillis) == null;
  }

  /** Null when a TCP connection to host:port succeeds, else why not. */
  static String connectError(String host, int port, int timeoutMillis) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(host, port), timeoutMillis);
      return null;
    } catch (IOException e) {
      return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  static String address(String host, int port) {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }
}
