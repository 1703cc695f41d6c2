package io.raftray.sub;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Marzban's two token layouts, against tokens made by Marzban's own algorithm (Python's base64 and
 * hashlib, as in its app/utils/jwt.py; the vectors were computed outside this code base).
 */
@Timeout(10)
class MarzbanTokensTest {
  static final String SECRET = "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0";
  static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");

  @Test
  void compactToken_givesItsUserAndTime() {
    assertThat(MarzbanTokens.verify("YWxpY2UsMTcxNzIwMDAwMAKS8e2Xv3uq", SECRET, NOW))
        .contains(new MarzbanTokens.Claim("alice", Instant.ofEpochSecond(1717200000)));
    assertThat(MarzbanTokens.verify("YWxpY2VfMiwxNzAwMDAwMDAwihhF1RSIwb", SECRET, NOW))
        .contains(new MarzbanTokens.Claim("alice_2", Instant.ofEpochSecond(1700000000)));
  }

  @Test
  void jwtToken_givesItsUserAndTime() {
    String jwt =
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJhbGljZSIsImFjY2VzcyI6InN1YnNjcmlwdGlvbiIsImlhdCI6MTcxNzIwMDAwMH0.MCxeYAuFN8f3p7W_bRLaXz-Mm0nLEJBZbpey-22J-6c";
    assertThat(MarzbanTokens.verify(jwt, SECRET, NOW))
        .contains(new MarzbanTokens.Claim("alice", Instant.ofEpochSecond(1717200000)));
    // One changed character in the signature, or another secret: refused.
    assertThat(MarzbanTokens.verify(jwt.substring(0, jwt.length() - 1) + "d", SECRET, NOW))
        .isEmpty();
    assertThat(MarzbanTokens.verify(jwt, SECRET.replace('0', '1'), NOW)).isEmpty();
  }

  @Test
  void badSignatureOrSecretOrShape_isRefused() {
    assertThat(MarzbanTokens.verify("YWxpY2UsMTcxNzIwMDAwMAKS8e2Xv3uQ", SECRET, NOW)).isEmpty();
    assertThat(MarzbanTokens.verify("YWxpY2UsMTcxNzIwMDAwMAKS8e2Xv3uq", "other", NOW)).isEmpty();
    // The data part of another user with alice's signature.
    assertThat(MarzbanTokens.verify("Ym9iLDE3MTcyMDAwMDAKS8e2Xv3uq", SECRET, NOW)).isEmpty();
    assertThat(MarzbanTokens.verify("not base64 at all!!", SECRET, NOW)).isEmpty();
    assertThat(MarzbanTokens.verify("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.x.y", SECRET, NOW))
        .isEmpty();
  }

  @Test
  void signature_isMarzbansFirstTenCharacters() throws Exception {
    assertThat(MarzbanTokens.compactSignature("YWxpY2UsMTcxNzIwMDAwMA", SECRET))
        .isEqualTo("KS8e2Xv3uq");
  }
}
