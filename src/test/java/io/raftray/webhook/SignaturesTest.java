package io.raftray.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class SignaturesTest {
  private static final String SECRET = "whsec-test-0123456789";
  private static final byte[] BODY = "{\"id\":\"evt_1\"}".getBytes(StandardCharsets.UTF_8);

  @Test
  void sign_isHmacSha256OfTimestampDotBody() {
    // Computed independently: python3 hmac.new(secret, b'1767225600.' + body, sha256).hexdigest()
    assertThat(Signatures.sign(SECRET, 1767225600L, BODY))
        .isEqualTo("v1=05e8ef0af268a5e4e4fd05a7033a7cc8426168f2e518a07ad0f27ff67b1e7e7f");
  }

  @Test
  void verify_refusesAnotherBodyTimestampOrSecret() {
    String sig = Signatures.sign(SECRET, 1767225600L, BODY);
    assertThat(Signatures.verify(SECRET, 1767225600L, BODY, sig)).isTrue();
    assertThat(Signatures.verify(SECRET, 1767225601L, BODY, sig)).isFalse();
    assertThat(Signatures.verify(SECRET + "x", 1767225600L, BODY, sig)).isFalse();
    byte[] other = "{\"id\":\"evt_2\"}".getBytes(StandardCharsets.UTF_8);
    assertThat(Signatures.verify(SECRET, 1767225600L, other, sig)).isFalse();
    assertThat(Signatures.verify(SECRET, 1767225600L, BODY, null)).isFalse();
  }
}
