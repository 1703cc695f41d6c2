package io.raftray.webhook;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The signature of a delivery (docs/webhooks.md, "Verifying a delivery"): {@code v1=} and the
 * lowercase hex HMAC-SHA256, keyed with the webhook's secret (its UTF-8 bytes), of the signing
 * string {@code <timestamp>.<body>}: the {@code X-Raftray-Timestamp} header (Unix seconds), a full
 * stop, and the exact body bytes. The timestamp inside the signed string lets a receiver refuse
 * replays older than its tolerance.
 */
public final class Signatures {
  public static final String SIGNATURE_HEADER = "X-Raftray-Signature";
  public static final String TIMESTAMP_HEADER = "X-Raftray-Timestamp";
  public static final String EVENT_ID_HEADER = "X-Raftray-Event-Id";
  public static final String EVENT_TYPE_HEADER = "X-Raftray-Event-Type";
  public static final String WEBHOOK_ID_HEADER = "X-Raftray-Webhook-Id";
  static final String SCHEME = "v1=";

  private Signatures() {}

  /** The {@value #SIGNATURE_HEADER} value of {@code body} sent at {@code timestamp}. */
  public static String sign(String secret, long timestamp, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      mac.update((timestamp + ".").getBytes(StandardCharsets.US_ASCII));
      return SCHEME + HexFormat.of().formatHex(mac.doFinal(body));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }

  /**
   * Whether {@code header} is the signature of {@code body} at {@code timestamp} (constant time).
   */
  public static boolean verify(String secret, long timestamp, byte[] body, String header) {
    if (header == null) {
      return false;
    }
    byte[] want = sign(secret, timestamp, body).getBytes(StandardCharsets.US_ASCII);
    return MessageDigest.isEqual(want, header.getBytes(StandardCharsets.US_ASCII));
  }
}
