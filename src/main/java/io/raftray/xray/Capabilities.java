package io.raftray.xray;

import io.raftray.model.Protocol;
import io.raftray.model.Security;
import io.raftray.model.Transport;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What a core of a flavor and version can run. Xray runs every combination the API accepts; V2Ray
 * 4.x has no REALITY, no httpupgrade/xhttp, no Shadowsocks 2022, no VLESS flow, gRPC only from 4.36
 * (4.34 has no gRPC transport at all), and its Shadowsocks inbound holds one fixed user (see {@link
 * #singleUser}).
 */
public final class Capabilities {
  private Capabilities() {}

  /**
   * Why a core of {@code flavor} at {@code version} (e.g. {@code 4.34.0}, null when unknown) cannot
   * run this endpoint, or empty when it can.
   */
  public static Optional<String> unsupported(
      Flavor flavor,
      String version,
      Protocol protocol,
      Transport transport,
      Security security,
      Map<String, Object> settings) {
    if (flavor == Flavor.XRAY) {
      return Optional.empty();
    }
    String core = "V2Ray" + (version == null ? "" : " " + version);
    if (security == Security.REALITY) {
      return Optional.of("security reality needs Xray; this node runs " + core);
    }
    if (transport == Transport.HTTPUPGRADE || transport == Transport.XHTTP) {
      return Optional.of(
          "transport "
              + transport.name().toLowerCase(Locale.ROOT)
              + " needs Xray; this node runs "
              + core);
    }
    if (transport == Transport.GRPC && !atLeast(version, 4, 36)) {
      return Optional.of("transport grpc needs V2Ray 4.36 or Xray; this node runs " + core);
    }
    Object method = settings == null ? null : settings.get("method");
    if (protocol == Protocol.SHADOWSOCKS && method instanceof String m && m.startsWith("2022-")) {
      return Optional.of("Shadowsocks 2022 methods need Xray; this node runs " + core);
    }
    Object flow = settings == null ? null : settings.get("flow");
    if (protocol == Protocol.VLESS && flow instanceof String f && !f.isEmpty()) {
      return Optional.of("VLESS flow " + f + " needs Xray; this node runs " + core);
    }
    return Optional.empty();
  }

  static boolean atLeast(String version, int major, int minor) {
    if (version == null) {
      return false;
    }
    String[] parts = version.split("[.+-]");
    try {
      int ma = Integer.parseInt(parts[0]);
      int mi = parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
      return ma > major || (ma == major && mi >= minor);
    } catch (NumberFormatException e) {
      return false;
    }
  }

  /**
   * Whether the core serves at most one user on such an endpoint and cannot change users at run
   * time: V2Ray 4.x Shadowsocks (its ServerConfig holds one user and is no user manager). Such an
   * endpoint takes one enabled grant; the reconciler rebuilds its inbound when that user changes.
   */
  public static boolean singleUser(Flavor flavor, Protocol protocol) {
    return flavor == Flavor.V2RAY && protocol == Protocol.SHADOWSOCKS;
  }
}
