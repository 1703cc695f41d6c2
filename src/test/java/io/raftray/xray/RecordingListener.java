package io.raftray.xray;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records listener calls as strings: {@code ready 1 v2ray 127.0.0.1:1234}, {@code down 1}. */
final class RecordingListener implements CoreListener {
  final List<String> events = new CopyOnWriteArrayList<>();

  @Override
  public void coreReady(long generation, Flavor flavor, String host, int apiPort) {
    events.add("ready " + generation + " " + flavor.wire() + " " + host + ":" + apiPort);
  }

  @Override
  public void coreDown(long generation) {
    events.add("down " + generation);
  }
}
