package io.raftray.api;

import io.raftray.model.Endpoint;
import io.raftray.model.Ids;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.UUID;

/** Key material generated before submission: REALITY keys, Shadowsocks keys, credentials. */
final class Material {
  private Material() {}

  /** A REALITY key pair as Xray prints it: raw 32-byte keys, base64url without padding. */
  record X25519(String privateKey, String publicKey) {}

  static X25519 x25519() {
    try {
      KeyPair kp = KeyPairGenerator.getInstance("X25519").generateKeyPair();
      // X.509 and PKCS#8 encodings of X25519 keys end with the raw 32-byte key.
      byte[] pub = kp.getPublic().getEncoded();
      byte[] priv = kp.getPrivate().getEncoded();
      Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
      return new X25519(
          b64.encodeToString(Arrays.copyOfRange(priv, priv.length - 32, priv.length)),
          b64.encodeToString(Arrays.copyOfRange(pub, pub.length - 32, pub.length)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("X25519 is missing from the JDK", e);
    }
  }

  /** A REALITY short id: 8 random bytes in hex. */
  static String shortId() {
    return HexFormat.of().formatHex(Ids.randomBytes(8));
  }

  /** A Shadowsocks 2022 key of {@code bytes} length in standard base64, as Xray expects. */
  static String ssKey(int bytes) {
    return Base64.getEncoder().encodeToString(Ids.randomBytes(bytes));
  }

  /** The credential of a new grant on {@code e}: UUID, password or Shadowsocks key. */
  static String credential(Endpoint e) {
    return switch (e.protocol()) {
      case VLESS, VMESS -> UUID.randomUUID().toString();
      case TROJAN -> Ids.secret(24);
      case SHADOWSOCKS -> {
        Object method = e.settings().get("method");
        int keyBytes = EndpointChecks.ss2022KeyBytes(method == null ? "" : method.toString());
        yield keyBytes > 0 ? ssKey(keyBytes) : Ids.secret(24);
      }
    };
  }
}
