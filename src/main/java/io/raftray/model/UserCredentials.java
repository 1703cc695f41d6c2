package io.raftray.model;

import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A user's own credential per protocol family, used on every endpoint the user reaches without a
 * grant credential of its own (a group's endpoints, a grant created without one): a UUID for VLESS
 * and one for VMess, a password for Trojan and one for Shadowsocks. A Shadowsocks 2022 endpoint
 * needs a key of its cipher's length: {@link #shadowsocksKey} is the password itself when it is
 * already standard base64 of that many bytes, and otherwise derived from it (so one password serves
 * 16- and 32-byte ciphers and classic ones). Generated before submission, never inside {@code
 * Store.apply}.
 */
public record UserCredentials(
    String vlessUuid, String vmessUuid, String trojanPassword, String shadowsocksPassword) {

  public UserCredentials {
    Objects.requireNonNull(vlessUuid, "vless_uuid");
    Objects.requireNonNull(vmessUuid, "vmess_uuid");
    Objects.requireNonNull(trojanPassword, "trojan_password");
    Objects.requireNonNull(shadowsocksPassword, "shadowsocks_password");
  }

  /**
   * The credential for {@code protocol} on an endpoint whose Shadowsocks method is {@code method}.
   */
  public String forProtocol(Protocol protocol, String method) {
    return switch (protocol) {
      case VLESS -> vlessUuid;
      case VMESS -> vmessUuid;
      case TROJAN -> trojanPassword;
      case SHADOWSOCKS -> shadowsocksKey(method == null ? "" : method);
    };
  }

  /**
   * The Shadowsocks credential for {@code method}: for a 2022 cipher, a standard base64 key of the
   * cipher's length (the password when it already is one, else the first bytes of SHA-256 over
   * {@code "raftray-ss2022:" + password}); for a classic cipher the password.
   */
  public String shadowsocksKey(String method) {
    int len = ss2022KeyBytes(method);
    if (len == 0) {
      return shadowsocksPassword;
    }
    try {
      byte[] raw = Base64.getDecoder().decode(shadowsocksPassword);
      if (raw.length == len) {
        return shadowsocksPassword;
      }
    } catch (IllegalArgumentException notBase64) {
      // derived below
    }
    byte[] digest =
        HexFormat.of().parseHex(Digests.sha256Hex("raftray-ss2022:" + shadowsocksPassword));
    return Base64.getEncoder().encodeToString(Arrays.copyOf(digest, len));
  }

  /** Key length in bytes of a Shadowsocks 2022 method; 0 for any other method. */
  public static int ss2022KeyBytes(String method) {
    return switch (method) {
      case "2022-blake3-aes-128-gcm" -> 16;
      case "2022-blake3-aes-256-gcm", "2022-blake3-chacha20-poly1305" -> 32;
      default -> 0;
    };
  }

  @Override
  public String toString() {
    return "UserCredentials[redacted]";
  }
}
