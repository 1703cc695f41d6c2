package io.raftray.xray;

/**
 * Told when the core becomes usable and when it goes away; the reconciler resyncs on {@link
 * #coreReady}, the traffic collector re-reads counters. Called on the supervisor's thread, one
 * event at a time, in order: return quickly (mark work, do not do it here).
 */
public interface CoreListener {

  /**
   * The core's API at {@code host:apiPort} accepts connections. {@code generation} is new for each
   * start, restart, adoption or reconnection of an external core. A started or restarted core has
   * no inbounds but the API one and counters at zero; an adopted one (see {@link
   * XrayStatus#adopted()}) kept what the previous daemon run applied.
   */
  void coreReady(long generation, Flavor flavor, String host, int apiPort);

  /** The core of {@code generation} exited or became unreachable. */
  void coreDown(long generation);
}
