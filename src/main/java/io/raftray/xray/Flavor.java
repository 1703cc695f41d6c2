package io.raftray.xray;

import java.util.Locale;
import java.util.Optional;

/**
 * The two gRPC API dialects the daemon speaks: Xray ({@code xray.app.*}, the target) and V2Ray 4.x
 * ({@code v2ray.core.*}). Message layouts are shared where field numbers agree; service and
 * typed-message names differ by prefix.
 */
public enum Flavor {
  XRAY("xray"),
  V2RAY("v2ray.core");

  private final String typePrefix;

  Flavor(String typePrefix) {
    this.typePrefix = typePrefix;
  }

  /** Prefix of typed-message and service names, e.g. {@code v2ray.core} or {@code xray}. */
  public String typePrefix() {
    return typePrefix;
  }

  /** The full protobuf name of a message, e.g. {@code type("proxy.vmess.Account")}. */
  public String type(String suffix) {
    return typePrefix + "." + suffix;
  }

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<Flavor> parse(String s) {
    if (s == null) {
      return Optional.empty();
    }
    return switch (s.trim().toLowerCase(Locale.ROOT)) {
      case "xray" -> Optional.of(XRAY);
      case "v2ray" -> Optional.of(V2RAY);
      default -> Optional.empty();
    };
  }
}
