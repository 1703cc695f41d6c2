package io.raftray.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.Map;

/**
 * One Xray inbound on one node. {@code settings} holds the public, protocol/transport specific
 * options (path, host, service name, SNI, REALITY public key and short ids, Shadowsocks method and
 * server key, flow...) as JSON-compatible values; {@code secrets} holds server-only material (the
 * REALITY private key) and is never returned by the API. {@code labels} (like a node's) are what
 * group selectors match; absent in records written before they existed, and not written while empty
 * so those records keep their bytes.
 */
public record Endpoint(
    String id,
    String nodeId,
    String tag,
    Protocol protocol,
    int port,
    Transport transport,
    Security security,
    Map<String, Object> settings,
    Map<String, String> secrets,
    boolean enabled,
    Instant createdAt,
    Instant updatedAt,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, String> labels) {

  public Endpoint {
    settings = Values.immutableMap(settings);
    secrets = secrets == null ? Map.of() : Map.copyOf(secrets);
    labels = Values.sortedStrings(labels);
  }

  /** An endpoint without labels. */
  public Endpoint(
      String id,
      String nodeId,
      String tag,
      Protocol protocol,
      int port,
      Transport transport,
      Security security,
      Map<String, Object> settings,
      Map<String, String> secrets,
      boolean enabled,
      Instant createdAt,
      Instant updatedAt) {
    this(
        id, nodeId, tag, protocol, port, transport, security, settings, secrets, enabled, createdAt,
        updatedAt, Map.of());
  }

  /** This endpoint with {@code l} as its labels, updated at {@code at}. */
  public Endpoint withLabels(Map<String, String> l, Instant at) {
    return new Endpoint(
        id, nodeId, tag, protocol, port, transport, security, settings, secrets, enabled, createdAt,
        at, l);
  }

  /** This endpoint switched on or off, updated at {@code at}. */
  public Endpoint withEnabled(boolean on, Instant at) {
    return new Endpoint(
        id, nodeId, tag, protocol, port, transport, security, settings, secrets, on, createdAt, at,
        labels);
  }
}
