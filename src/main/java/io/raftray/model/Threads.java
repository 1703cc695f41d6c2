package io.raftray.model;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/** The background threads of a node: named (for thread dumps) and daemon (never block exit). */
public final class Threads {
  private Threads() {}

  /** A single-thread scheduler whose thread is called {@code name}. */
  public static ScheduledExecutorService scheduler(String name) {
    return Executors.newSingleThreadScheduledExecutor(
        r -> {
          Thread t = new Thread(r, name);
          t.setDaemon(true);
          return t;
        });
  }
}
