package io.raftray.xray;

import io.raftray.model.Endpoint;
import io.raftray.model.Protocol;
import io.raftray.model.Security;
import io.raftray.model.Transport;
import java.time.Instant;
import java.util.Map;

/** Endpoints for the message tests. */
final class Endpoints {
  private Endpoints() {}

  static Endpoint of(
      String tag,
      Protocol p,
      int port,
      Transport t,
      Security s,
      Map<String, Object> settings,
      Map<String, String> secrets) {
    return new Endpoint(
        "ep_" + tag,
        "node_1",
        tag,
        p,
        port,
        t,
        s,
        settings,
        secrets,
        true,
        Instant.EPOCH,
        Instant.EPOCH);
  }

  static Endpoint of(
      String tag, Protocol p, Transport t, Security s, Map<String, Object> settings) {
    return of(tag, p, 8443, t, s, settings, Map.of());
  }
}
