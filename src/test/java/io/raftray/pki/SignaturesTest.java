package io.raftray.pki;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class SignaturesTest {
  private final KeyPair keys = KeyPairs.generate();
  private final byte[] data = "POST /cluster/v1/raft".getBytes(StandardCharsets.UTF_8);

  @Test
  void signThenVerify_valid() {
    assertThat(Signatures.verify(keys.getPublic(), data, Signatures.sign(keys.getPrivate(), data)))
        .isTrue();
  }

  @Test
  void verify_otherDataKeyOrGarbage_invalid() {
    byte[] sig = Signatures.sign(keys.getPrivate(), data);
    byte[] other = "POST /cluster/v1/raft2".getBytes(StandardCharsets.UTF_8);

    assertThat(Signatures.verify(keys.getPublic(), other, sig)).isFalse();
    assertThat(Signatures.verify(KeyPairs.generate().getPublic(), data, sig)).isFalse();
    assertThat(Signatures.verify(keys.getPublic(), data, new byte[] {1, 2, 3})).isFalse();
    assertThat(Signatures.verify(keys.getPublic(), data, new byte[0])).isFalse();
  }

  @Test
  void matches_pairsOnly() {
    assertThat(KeyPairs.matches(keys.getPrivate(), keys.getPublic())).isTrue();
    assertThat(KeyPairs.matches(keys.getPrivate(), KeyPairs.generate().getPublic())).isFalse();
  }
}
