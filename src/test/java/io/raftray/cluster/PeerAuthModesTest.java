package io.raftray.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class PeerAuthModesTest {
  private final AuthFixture.MutableClock clock = new AuthFixture.MutableClock();
  private final PeerAuthModes modes = new PeerAuthModes(clock);

  private static byte[] text(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void connectionModeByDefault_signedForAWhileAfterAPeerAsked_perPeer() {
    assertThat(modes.connectionMode("node-2")).isTrue();
    modes.signatureRequired("node-2", "no tls client certificate reached this node");
    assertThat(modes.connectionMode("node-2")).isFalse();
    assertThat(modes.connectionMode("node-3")).isTrue();
    clock.advance(PeerAuthModes.SIGNED_FOR.minus(Duration.ofSeconds(1)));
    assertThat(modes.connectionMode("node-2")).isFalse();
    clock.advance(Duration.ofSeconds(1));
    assertThat(modes.connectionMode("node-2")).isTrue();
  }

  @Test
  void signatureAsked_only401sThatAskForOrMissASignature() {
    assertThat(
            PeerAuthModes.signatureAsked(
                401,
                text(
                    "cluster request not authenticated: signature required: no tls client"
                        + " certificate reached this node")))
        .isEqualTo("no tls client certificate reached this node");
    assertThat(
            PeerAuthModes.signatureAsked(
                401, text("cluster request not authenticated: missing signature headers")))
        .isEqualTo("missing signature headers");
    assertThat(PeerAuthModes.signatureAsked(401, text("cluster request not authenticated: x")))
        .isNull();
    assertThat(
            PeerAuthModes.signatureAsked(
                403, text("cluster request forbidden: signature required: unknown node")))
        .isNull();
    assertThat(PeerAuthModes.signatureAsked(503, text("missing signature headers"))).isNull();
    assertThat(PeerAuthModes.signatureAsked(401, null)).isNull();
  }
}
