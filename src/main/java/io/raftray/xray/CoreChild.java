package io.raftray.xray;

/**
 * A core process {@link XraySupervisor} watches (started by it or adopted). Its mutable fields are
 * touched only on the supervisor thread.
 */
final class CoreChild {
  final ProcessHandle handle;
  final Process process; // null when adopted
  final int apiPort;
  final CoreVersion core;
  final boolean adopted;
  long generation;
  long readyNanos = -1;
  int missedProbes;
  boolean restartRequested;

  CoreChild(ProcessHandle handle, Process process, int apiPort, CoreVersion core, boolean adopted) {
    this.handle = handle;
    this.process = process;
    this.apiPort = apiPort;
    this.core = core;
    this.adopted = adopted;
  }
}
