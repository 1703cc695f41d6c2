package io.raftray.xray;

import io.raftray.config.HostPort;
import io.raftray.config.XraySettings;
import io.raftray.model.Threads;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs the node's core and tells others whether it can be used.
 *
 * <p>Supervised mode ({@link XraySettings#bin()}): writes {@code <xray-dir>/config.json} (see
 * {@link ManagedConfig}), starts the binary with it ({@code xray run -c F}, {@code v2ray -config F}
 * for V2Ray 4), sends its output to {@code xray.log}, waits until the API port accepts connections,
 * restarts it when it exits (backoff 1 s doubling to 30 s, back to 1 s once it stayed up 60 s) and
 * stops it on {@link #close()} (SIGTERM, SIGKILL after a grace period). A child left running by a
 * daemon that was killed is adopted instead of started twice: its pid is in {@code xray.pid} and
 * its command line names our config file; counters and applied inbounds survive.
 *
 * <p>External mode ({@link XraySettings#api()}): probes the API port every 2 s.
 *
 * <p>All transitions run on one thread; {@link #status()} is a volatile snapshot.
 */
public final class XraySupervisor implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(XraySupervisor.class.getName());
  static final String CONFIG_FILE = "config.json";
  static final String PID_FILE = "xray.pid";
  static final String LOG_FILE = "xray.log";

  /** Consecutive failed API probes of a running child before it is restarted. */
  static final int MAX_MISSED_PROBES = 3;

  /** A start that cannot go on; the message is the status detail. */
  private static final class StartFailure extends Exception {
    private static final long serialVersionUID = 1L;

    StartFailure(String message) {
      super(message, null, false, false);
    }
  }

  private final XraySettings settings;
  private final Path dir;
  private final Path configFile;
  private final Path pidFile;
  private final Path logFile;
  private final SupervisorTiming timing;
  private final Clock clock;
  private final ScheduledExecutorService exec;
  private final List<CoreListener> listeners = new CopyOnWriteArrayList<>();
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean closing = new AtomicBoolean();
  private volatile XrayStatus status;
  private volatile CoreChild current;
  // Only touched on the supervisor thread.
  private long generation;
  private int restarts;
  private Duration backoff;
  private boolean externalUp;

  private XraySupervisor(XraySettings settings, Path dir, SupervisorTiming timing, Clock clock) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.dir = dir.toAbsolutePath();
    this.configFile = this.dir.resolve(CONFIG_FILE);
    this.pidFile = this.dir.resolve(PID_FILE);
    this.logFile = this.dir.resolve(LOG_FILE);
    this.timing = timing;
    this.clock = clock;
    this.backoff = timing.initialBackoff();
    XrayStatus initial = XrayStatus.disabled(clock.instant());
    if (settings.enabled()) {
      // Until start() has run, a configured core is not up: /readyz must not say ready.
      initial =
          new XrayStatus(
              CoreState.STARTING,
              settings.flavor().orElse(null),
              null,
              0,
              0,
              "not started yet",
              clock.instant(),
              -1,
              false,
              null,
              0);
    }
    this.status = initial;
    this.exec = Threads.scheduler("raftray-xray");
  }

  /**
   * A supervisor for {@code settings} keeping its files in {@code xrayDir} (normally {@code
   * <data-dir>/xray}); nothing happens until {@link #start()}.
   */
  public static XraySupervisor create(XraySettings settings, Path xrayDir) {
    return new XraySupervisor(settings, xrayDir, SupervisorTiming.DEFAULT, Clock.systemUTC());
  }

  static XraySupervisor create(XraySettings settings, Path xrayDir, SupervisorTiming timing) {
    return new XraySupervisor(settings, xrayDir, timing, Clock.systemUTC());
  }

  /** Adopts or starts the child, or starts probing the external core. Returns at once. */
  public void start() {
    if (!started.compareAndSet(false, true)) {
      return;
    }
    if (settings.api().isPresent()) {
      HostPort api = settings.api().get();
      setExternal(
          CoreState.STARTING,
          "probing the external core at " + CoreProcesses.address(api.host(), api.port()));
      schedule(this::probeExternal, Duration.ZERO, timing.probeInterval());
    } else if (settings.bin().isPresent()) {
      submit(this::adoptOrLaunch);
      schedule(this::watchRunning, timing.probeInterval(), timing.probeInterval());
      schedule(this::rotateLog, Duration.ofSeconds(1), Duration.ofSeconds(30));
    }
  }

  /** The current state; never blocks. */
  public XrayStatus status() {
    return status;
  }

  public XraySettings settings() {
    return settings;
  }

  /** The core's output file (supervised mode). */
  public Path logFile() {
    return logFile;
  }

  /**
   * Adds a listener. When the core is up already, the listener is told at once (on the supervisor
   * thread), so a late listener does not miss the current generation.
   */
  public void addListener(CoreListener listener) {
    Objects.requireNonNull(listener, "listener");
    boolean queued =
        submit(
            () -> {
              listeners.add(listener);
              XrayStatus s = status;
              if (s.up()) {
                safely(
                    () -> listener.coreReady(s.generation(), s.flavor(), s.apiHost(), s.apiPort()));
              }
            });
    if (!queued) {
      listeners.add(listener);
    }
  }

  public void removeListener(CoreListener listener) {
    listeners.remove(listener);
  }

  /**
   * Restarts the supervised core on an operator's request: SIGTERM (SIGKILL after the grace period)
   * to the running child, then a new start at once, without the crash backoff and not counted in
   * {@link XrayStatus#restarts()}. The reconciler applies the inbounds again when it is ready, like
   * after any restart. Returns the pid being stopped.
   *
   * @throws IllegalStateException when there is no supervised core, or it is not running now (the
   *     supervisor retries a failed core on its own)
   */
  public long restart() {
    CoreChild c = current;
    if (settings.bin().isEmpty()) {
      throw new IllegalStateException("this node has no supervised core");
    }
    if (c == null || closing.get() || !status.up()) {
      throw new IllegalStateException("the core is not running (" + status.detail() + ")");
    }
    submit(
        () -> {
          if (c == current && !closing.get() && !c.restartRequested) {
            c.restartRequested = true;
            LOG.info("restarting core pid " + c.handle.pid() + " on request");
            terminate(c);
          }
        });
    return c.handle.pid();
  }

  /** Stops the child (SIGTERM, SIGKILL after the grace period) and the supervisor. Idempotent. */
  @Override
  public void close() {
    if (!closing.compareAndSet(false, true)) {
      return;
    }
    shutdownExecutor();
    CoreChild c = current;
    if (c != null) {
      CoreProcesses.stop(c.handle, timing.stopGrace());
      CoreProcesses.deletePidFile(pidFile, c.handle.pid());
      current = null;
      LOG.info("core stopped (pid " + c.handle.pid() + ")");
    }
    XrayStatus s = status;
    status =
        new XrayStatus(
            CoreState.DISABLED,
            s.flavor(),
            s.version(),
            s.generation(),
            s.restarts(),
            "stopped",
            clock.instant(),
            -1,
            false,
            s.apiHost(),
            s.apiPort());
  }

  /**
   * Stops supervising without stopping the child or removing the pid file: what a daemon killed
   * with SIGKILL leaves behind (tests of adoption).
   */
  void abandon() {
    if (closing.compareAndSet(false, true)) {
      shutdownExecutor();
    }
  }

  private void shutdownExecutor() {
    exec.shutdownNow();
    try {
      if (!exec.awaitTermination(
          timing.versionTimeout().toMillis() + 2000, TimeUnit.MILLISECONDS)) {
        LOG.warning("the core supervisor thread did not stop in time");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // ---- supervised mode (all on the supervisor thread)

  private void adoptOrLaunch() {
    if (closing.get() || current != null) {
      return;
    }
    try {
      Optional<ProcessHandle> previous = CoreProcesses.findPrevious(pidFile, configFile);
      if (previous.isPresent() && adoptable(previous.get())) {
        adopt(previous.get());
      } else {
        previous.ifPresent(
            h -> {
              LOG.warning(
                  "stopping core pid "
                      + h.pid()
                      + " left by an earlier run: it does not match the current settings");
              CoreProcesses.stop(h, timing.stopGrace());
            });
        launch();
      }
    } catch (StartFailure e) {
      LOG.warning("core cannot start: " + e.getMessage());
      retryLater(CoreState.FAILED, e.getMessage(), null);
    }
  }

  private void launch() throws StartFailure {
    Path bin = settings.bin().orElseThrow();
    setStatus(CoreState.STARTING, "starting " + bin, null, null);
    CoreVersion core = identify(bin);
    int port;
    try {
      port = settings.apiPort() != 0 ? settings.apiPort() : CoreProcesses.freePort();
    } catch (IOException e) {
      throw new StartFailure("cannot find a free loopback port for the api: " + e.getMessage());
    }
    Process p;
    try {
      ManagedConfig.write(configFile, port);
      CoreLog.rotateIfLarger(logFile, timing.maxLogBytes());
      p =
          new ProcessBuilder(core.command(bin, configFile))
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .start();
    } catch (IOException e) {
      throw new StartFailure("cannot start " + bin + ": " + e.getMessage());
    }
    try {
      Files.writeString(pidFile, p.pid() + "\n");
    } catch (IOException e) {
      LOG.warning(
          "cannot write " + pidFile + ": " + e.getMessage() + " (adoption will scan /proc)");
    }
    LOG.info(
        "started "
            + core.flavor().wire()
            + (core.version() == null ? "" : " " + core.version())
            + " as pid "
            + p.pid()
            + ", api on "
            + CoreProcesses.address(ManagedConfig.LOOPBACK, port)
            + ", output in "
            + logFile);
    watch(new CoreChild(p.toHandle(), p, port, core, false));
  }

  private void adopt(ProcessHandle h) throws StartFailure {
    CoreVersion core = identify(settings.bin().orElseThrow());
    int port = ManagedConfig.apiPort(configFile).orElseThrow();
    try {
      Files.writeString(pidFile, h.pid() + "\n");
    } catch (IOException e) {
      LOG.warning("cannot write " + pidFile + ": " + e.getMessage());
    }
    LOG.info(
        "adopted the core left running by an earlier run: pid "
            + h.pid()
            + ", api on "
            + CoreProcesses.address(ManagedConfig.LOOPBACK, port));
    watch(new CoreChild(h, null, port, core, true));
  }

  @SuppressWarnings("FutureReturnValueIgnored") // the exit watch only queues exited(c)
  private void watch(CoreChild c) {
    current = c;
    setStatus(
        CoreState.STARTING,
        (c.adopted ? "adopted pid " : "pid ")
            + c.handle.pid()
            + ", waiting for the api on "
            + CoreProcesses.address(ManagedConfig.LOOPBACK, c.apiPort),
        c,
        null);
    // A child's own onExit completes after it was reaped, so its exit code is known.
    (c.process != null ? c.process.onExit().thenRun(() -> {}) : c.handle.onExit().thenRun(() -> {}))
        .thenRun(() -> submit(() -> exited(c)));
    long deadline = System.nanoTime() + timing.startTimeout().toNanos();
    submit(() -> awaitApi(c, deadline));
  }

  private void awaitApi(CoreChild c, long deadline) {
    if (closing.get() || c != current) {
      return;
    }
    if (CoreProcesses.portOpen(ManagedConfig.LOOPBACK, c.apiPort, 300)) {
      ready(c);
    } else if (System.nanoTime() > deadline) {
      LOG.warning(
          "core pid "
              + c.handle.pid()
              + ": api port "
              + c.apiPort
              + " did not accept connections within "
              + timing.startTimeout().toSeconds()
              + " s; stopping it (see "
              + logFile
              + ")");
      terminate(c);
    } else {
      schedule(() -> awaitApi(c, deadline), Duration.ofMillis(100), null);
    }
  }

  private void ready(CoreChild c) {
    generation++;
    c.generation = generation;
    c.readyNanos = System.nanoTime();
    setStatus(
        CoreState.RUNNING,
        "pid "
            + c.handle.pid()
            + ", api on "
            + CoreProcesses.address(ManagedConfig.LOOPBACK, c.apiPort)
            + (c.adopted ? " (adopted from an earlier run)" : ""),
        c,
        null);
    LOG.info("core ready, generation " + generation + ": " + status.detail());
    long g = generation;
    for (CoreListener l : listeners) {
      safely(() -> l.coreReady(g, c.core.flavor(), ManagedConfig.LOOPBACK, c.apiPort));
    }
  }

  private void exited(CoreChild c) {
    if (c != current) {
      return;
    }
    current = null;
    CoreProcesses.deletePidFile(pidFile, c.handle.pid());
    if (closing.get()) {
      return;
    }
    if (c.generation > 0) {
      for (CoreListener l : listeners) {
        safely(() -> l.coreDown(c.generation));
      }
    }
    if (c.restartRequested) {
      LOG.info("core pid " + c.handle.pid() + " stopped on request; starting it again");
      setStatus(CoreState.RESTARTING, "restarting on request", null, c.core);
      submit(this::adoptOrLaunch);
      return;
    }
    long upMillis = c.readyNanos < 0 ? 0 : (System.nanoTime() - c.readyNanos) / 1_000_000;
    if (c.readyNanos >= 0 && upMillis >= timing.stableAfter().toMillis()) {
      backoff = timing.initialBackoff();
    }
    String how =
        c.process != null
            ? "exited with code " + c.process.exitValue()
            : "exited (adopted from an earlier run, exit code unknown)";
    String reason =
        "pid "
            + c.handle.pid()
            + " "
            + how
            + (c.readyNanos < 0 ? " before its api was up" : " after " + upMillis / 1000 + " s");
    LOG.warning("core " + reason + "; see " + logFile);
    retryLater(CoreState.RESTARTING, reason, c.core);
  }

  private void retryLater(CoreState state, String reason, CoreVersion core) {
    Duration delay = backoff;
    backoff = backoff.multipliedBy(2);
    if (backoff.compareTo(timing.maxBackoff()) > 0) {
      backoff = timing.maxBackoff();
    }
    restarts++;
    setStatus(state, reason + "; retry " + restarts + " in " + seconds(delay), null, core);
    schedule(this::adoptOrLaunch, delay, null);
  }

  /** Restarts a running child whose API stopped answering; exits are seen by onExit. */
  private void watchRunning() {
    CoreChild c = current;
    if (c == null || c.readyNanos < 0 || closing.get()) {
      return;
    }
    if (CoreProcesses.portOpen(ManagedConfig.LOOPBACK, c.apiPort, 1000)) {
      c.missedProbes = 0;
    } else if (++c.missedProbes >= MAX_MISSED_PROBES) {
      LOG.warning(
          "core pid "
              + c.handle.pid()
              + ": api port "
              + c.apiPort
              + " stopped accepting connections; restarting it");
      c.missedProbes = Integer.MIN_VALUE; // once
      terminate(c);
    }
  }

  private void rotateLog() {
    try {
      if (CoreLog.rotateIfLarger(logFile, timing.maxLogBytes())) {
        LOG.info("core output rotated to " + logFile + ".1");
      }
    } catch (IOException e) {
      LOG.warning("cannot rotate " + logFile + ": " + e.getMessage());
    }
  }

  /** SIGTERM now, SIGKILL after the grace period; the exit is handled by {@link #exited}. */
  private void terminate(CoreChild c) {
    c.handle.destroy();
    schedule(
        () -> {
          if (c.handle.isAlive()) {
            c.handle.destroyForcibly();
          }
        },
        timing.stopGrace(),
        null);
  }

  private CoreVersion identify(Path bin) throws StartFailure {
    try {
      return CoreVersion.identify(bin, settings.flavor(), timing.versionTimeout());
    } catch (IOException e) {
      throw new StartFailure(e.getMessage());
    }
  }

  /** Same binary, an API port we can read, and the port the settings ask for (if any). */
  private boolean adoptable(ProcessHandle h) {
    OptionalInt port = ManagedConfig.apiPort(configFile);
    if (port.isEmpty() || (settings.apiPort() != 0 && settings.apiPort() != port.getAsInt())) {
      return false;
    }
    return CoreProcesses.runsBinary(h, settings.bin().orElseThrow());
  }

  // ---- external mode

  private Flavor externalFlavor() {
    return settings.flavor().orElse(Flavor.XRAY);
  }

  private void probeExternal() {
    HostPort api = settings.api().orElseThrow();
    String where = CoreProcesses.address(api.host(), api.port());
    String error = CoreProcesses.connectError(api.host(), api.port(), 1000);
    if (error == null && !externalUp) {
      externalUp = true;
      generation++;
      setExternal(CoreState.EXTERNAL, "external core at " + where);
      LOG.info("external core at " + where + " is reachable, generation " + generation);
      long g = generation;
      for (CoreListener l : listeners) {
        safely(() -> l.coreReady(g, externalFlavor(), api.host(), api.port()));
      }
    } else if (error != null && (externalUp || status.state() != CoreState.FAILED)) {
      boolean wasUp = externalUp;
      externalUp = false;
      setExternal(
          CoreState.FAILED,
          "external core at "
              + where
              + " is not reachable ("
              + error
              + "); probing every "
              + seconds(timing.probeInterval()));
      LOG.warning(status.detail());
      if (wasUp) {
        long g = generation;
        for (CoreListener l : listeners) {
          safely(() -> l.coreDown(g));
        }
      }
    }
  }

  // ---- helpers

  /**
   * Enters {@code state}: pid, port, flavor and version come from the child {@code c}; without one
   * the previous address is kept (no pid) and flavor/version come from {@code core} when given.
   */
  private void setStatus(CoreState state, String detail, CoreChild c, CoreVersion core) {
    XrayStatus old = status;
    CoreVersion v = c != null ? c.core : core;
    publish(
        state,
        detail,
        c == null ? -1 : c.handle.pid(),
        c != null && c.adopted,
        c == null ? old.apiHost() : ManagedConfig.LOOPBACK,
        c == null ? old.apiPort() : c.apiPort,
        v == null ? old.flavor() : v.flavor(),
        v == null ? old.version() : v.version());
  }

  private void setExternal(CoreState state, String detail) {
    HostPort api = settings.api().orElseThrow();
    publish(state, detail, -1, false, api.host(), api.port(), externalFlavor(), null);
  }

  private void publish(
      CoreState state,
      String detail,
      long pid,
      boolean adopted,
      String host,
      int port,
      Flavor flavor,
      String version) {
    XrayStatus old = status;
    Instant since = old.state() == state ? old.since() : clock.instant();
    status =
        new XrayStatus(
            state, flavor, version, generation, restarts, detail, since, pid, adopted, host, port);
  }

  /** Queues a task on the supervisor thread; false when the supervisor is stopped. */
  private boolean submit(Runnable task) {
    try {
      exec.execute(() -> safely(task));
      return true;
    } catch (RejectedExecutionException e) {
      return false;
    }
  }

  @SuppressWarnings("FutureReturnValueIgnored") // safely() logs failures; close() stops exec
  private void schedule(Runnable task, Duration delay, Duration every) {
    try {
      if (every == null) {
        exec.schedule(() -> safely(task), delay.toMillis(), TimeUnit.MILLISECONDS);
      } else {
        exec.scheduleWithFixedDelay(
            () -> safely(task), delay.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (RejectedExecutionException e) {
      // stopped
    }
  }

  private void safely(Runnable task) {
    try {
      task.run();
    } catch (RuntimeException e) {
      if (!closing.get()) {
        LOG.log(Level.WARNING, "core supervisor task failed: " + e.getMessage(), e);
      }
    }
  }

  private static String seconds(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
  }
}
