package io.raftray.join;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.raftray.model.JoinToken;
import io.raftray.model.NodeRole;
import io.raftray.state.Command;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class JoinCryptoTest {
  private static final String PIN = "sha256:" + "ab".repeat(32);

  private static JoinTokens.Issued issue() {
    return JoinTokens.issue(
        "cluster-1",
        List.of("https://a.example:8443", "https://b.example"),
        PIN,
        900,
        1,
        NodeRole.VOTER,
        "tok_1",
        Clock.systemUTC());
  }

  @Test
  void hkdf_matchesRfc5869TestCase1() {
    HexFormat hex = HexFormat.of();
    byte[] okm =
        JoinCrypto.hkdf(
            hex.parseHex("0b".repeat(22)),
            hex.parseHex("000102030405060708090a0b0c"),
            hex.parseHex("f0f1f2f3f4f5f6f7f8f9"),
            42);
    assertThat(hex.formatHex(okm))
        .isEqualTo(
            "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865");
  }

  @Test
  void token_roundTrips_andStoresOnlyItsPublicKey() throws Exception {
    JoinTokens.Issued issued = issue();
    assertThat(issued.text()).startsWith("rrj_");
    assertThat(issued.toString()).doesNotContain(issued.text());
    JoinTokens.Content c = JoinTokens.decode(issued.text());
    assertThat(c.clusterId()).isEqualTo("cluster-1");
    assertThat(c.urls()).containsExactly("https://a.example:8443", "https://b.example");
    assertThat(c.caPin()).isEqualTo(PIN);
    assertThat(c.tokenId()).isEqualTo(issued.command().id());
    assertThat(c.secretBytes()).hasSize(32);
    assertThat(c.v()).isEqualTo(2);
    assertThat(issued.command().secretHash()).isNull();
    assertThat(issued.command().verifyKey()).isNotBlank();
    assertThat(issued.command().caHolder()).isNull();
    assertThat(issued.command().toString()).doesNotContain(c.secret());
    assertThat(JoinTokens.encode(c)).isEqualTo(issued.text());
  }

  /** Issue 10 item 8: what the cluster stores for a token is not the verifier of its secret. */
  @Test
  void storedTokenRecord_holdsNeitherTheSecretNorItsVerifier() throws Exception {
    JoinTokens.Issued issued = issue();
    JoinTokens.Content c = JoinTokens.decode(issued.text());
    String verifier = HexFormat.of().formatHex(JoinCrypto.sha256(c.secretBytes()));
    String stored = io.raftray.model.Json.mapper().writeValueAsString(issued.command());
    assertThat(stored).doesNotContain(verifier).doesNotContain(c.secret());
  }

  private static JoinToken stored(JoinTokens.Issued issued) {
    var c = issued.command();
    return new JoinToken(
        c.id(),
        c.secretHash(),
        c.role(),
        c.ttlSeconds(),
        c.maxUses(),
        0,
        Instant.EPOCH,
        Instant.EPOCH.plusSeconds(c.ttlSeconds()),
        c.createdBy(),
        false,
        c.verifyKey(),
        c.caHolder());
  }

  @Test
  void signedProofs_verifyWithTheStoredKeyOnly_andCoverEveryField() throws Exception {
    JoinTokens.Issued issued = issue();
    JoinTokens.Content c = JoinTokens.decode(issued.text());
    JoinToken t = stored(issued);
    JoinWire.Request unsigned =
        new JoinWire.Request(
            c.tokenId(), null, "CSR", "node-2", "https://n2:8443", "n2", Map.of("os", "linux"));
    String proof = JoinCrypto.signJoin(JoinCrypto.tokenKey(c.secretBytes()), unsigned);
    assertThat(proof).matches(JoinValidation.PROOF.pattern());
    assertThat(JoinCrypto.joinProofValid(t, withProof(unsigned, proof))).isTrue();
    JoinWire.Request swapped =
        new JoinWire.Request(
            c.tokenId(), proof, "CSR2", "node-2", "https://n2:8443", "n2", Map.of("os", "linux"));
    assertThat(JoinCrypto.joinProofValid(t, swapped)).isFalse();
    // Another token's key, or a proof made from what is stored, does not verify.
    JoinTokens.Content other = JoinTokens.decode(issue().text());
    assertThat(
            JoinCrypto.joinProofValid(
                t,
                withProof(
                    unsigned,
                    JoinCrypto.signJoin(JoinCrypto.tokenKey(other.secretBytes()), unsigned))))
        .isFalse();
    assertThat(JoinCrypto.joinProofValid(t, withProof(unsigned, "A".repeat(43)))).isFalse();
    String poll = JoinCrypto.signPoll(JoinCrypto.tokenKey(c.secretBytes()), c.tokenId(), "jrq_1");
    assertThat(JoinCrypto.pollProofValid(t, "jrq_1", poll)).isTrue();
    assertThat(JoinCrypto.pollProofValid(t, "jrq_2", poll)).isFalse();
    assertThat(JoinCrypto.pollProofValid(t, "jrq_1", null)).isFalse();
  }

  @Test
  void leaderCheck_acceptsOnlyTheJoiningHostsProofOverTheCommandsFields() throws Exception {
    JoinTokens.Issued issued = issue();
    JoinTokens.Content c = JoinTokens.decode(issued.text());
    JoinToken t = stored(issued);
    JoinWire.Request unsigned =
        new JoinWire.Request(
            c.tokenId(), null, "CSR", "node-2", "https://n2:8443", "n2", Map.of("os", "linux"));
    String proof = JoinCrypto.signJoin(JoinCrypto.tokenKey(c.secretBytes()), unsigned);
    Command.CreateJoinRequest submitted =
        new Command.CreateJoinRequest(
            "jrq_1",
            c.tokenId(),
            "node_x",
            "node-2",
            "https://n2:8443",
            "n2",
            Map.of("os", "linux"),
            "CSR");
    assertThat(JoinCrypto.leaderCheck(t, submitted, proof)).isTrue();
    // A member that swaps in its own CSR, or sends no proof, is refused.
    Command.CreateJoinRequest swapped =
        new Command.CreateJoinRequest(
            "jrq_1",
            c.tokenId(),
            "node_x",
            "node-2",
            "https://n2:8443",
            "n2",
            Map.of("os", "linux"),
            "MY-CSR");
    assertThat(JoinCrypto.leaderCheck(t, swapped, proof)).isFalse();
    assertThat(JoinCrypto.leaderCheck(t, submitted, null)).isFalse();
  }

  @Test
  void formatOneTokens_ofThePreviousRelease_stillVerifyByTheirHash() {
    byte[] secret = new byte[32];
    secret[0] = 7;
    JoinToken v1 =
        new JoinToken(
            "jtk_1",
            JoinCrypto.secretHash(secret),
            NodeRole.VOTER,
            900,
            1,
            0,
            Instant.EPOCH,
            Instant.EPOCH.plusSeconds(900),
            "tok_1",
            false);
    JoinWire.Request unsigned =
        new JoinWire.Request("jtk_1", null, "CSR", "n", "https://n:1", "n", Map.of());
    String proof = JoinCrypto.joinProof(JoinCrypto.verifier(secret), unsigned);
    assertThat(JoinCrypto.joinProofValid(v1, withProof(unsigned, proof))).isTrue();
    assertThat(JoinCrypto.joinProofValid(v1, withProof(unsigned, "B".repeat(43)))).isFalse();
  }

  @Test
  void caKey_isSealedToTheJoinersNodeKey() throws Exception {
    java.security.KeyPair node = io.raftray.pki.KeyPairs.generate();
    byte[] plain = "ca key".getBytes(StandardCharsets.UTF_8);
    JoinWire.Sealed s = JoinCrypto.sealTo(node.getPublic(), plain, "c|n");
    assertThat(s.alg()).isEqualTo(JoinCrypto.ALGORITHM_V2);
    assertThat(JoinCrypto.openWith(node.getPrivate(), s, "c|n")).isEqualTo(plain);
    assertThatThrownBy(() -> JoinCrypto.openWith(node.getPrivate(), s, "c|other"))
        .isInstanceOf(GeneralSecurityException.class);
    assertThatThrownBy(
            () -> JoinCrypto.openWith(io.raftray.pki.KeyPairs.generate().getPrivate(), s, "c|n"))
        .isInstanceOf(GeneralSecurityException.class);
  }

  private static JoinWire.Request withProof(JoinWire.Request r, String proof) {
    return new JoinWire.Request(
        r.tokenId(), proof, r.csrPem(), r.nodeName(), r.apiBaseUrl(), r.accessHost(), r.facts());
  }

  @Test
  void decode_damagedTokens_areUsageErrorsWithoutEchoingTheToken() {
    for (String bad : new String[] {"", "rrt_abc.def", "rrj_!!!", "rrj_" + "e30"}) {
      assertThatThrownBy(() -> JoinTokens.decode(bad))
          .isInstanceOfSatisfying(JoinException.class, e -> assertThat(e.usage()).isTrue());
    }
  }

  @Test
  void proof_coversEveryField() throws Exception {
    JoinTokens.Content c = JoinTokens.decode(issue().text());
    byte[] v = JoinCrypto.verifier(c.secretBytes());
    JoinWire.Request r =
        new JoinWire.Request(
            c.tokenId(), null, "CSR", "node-2", "https://n2:8443", "n2", Map.of("os", "linux"));
    String proof = JoinCrypto.joinProof(v, r);
    assertThat(proof).matches("[A-Za-z0-9_-]{43}");
    assertThat(JoinCrypto.joinProof(v, r)).isEqualTo(proof);
    List<JoinWire.Request> changed =
        List.of(
            new JoinWire.Request(
                c.tokenId(),
                null,
                "CSR2",
                "node-2",
                "https://n2:8443",
                "n2",
                Map.of("os", "linux")),
            new JoinWire.Request(
                c.tokenId(), null, "CSR", "node-3", "https://n2:8443", "n2", Map.of("os", "linux")),
            new JoinWire.Request(
                c.tokenId(),
                null,
                "CSR",
                "node-2",
                "https://evil:8443",
                "n2",
                Map.of("os", "linux")),
            new JoinWire.Request(
                c.tokenId(), null, "CSR", "node-2", "https://n2:8443", "n2", Map.of("os", "bsd")));
    for (JoinWire.Request x : changed) {
      assertThat(JoinCrypto.joinProof(v, x)).isNotEqualTo(proof);
    }
    // The stored hash is what the cluster verifies with.
    byte[] fromHash = JoinCrypto.verifierFromHash(JoinCrypto.secretHash(c.secretBytes()));
    assertThat(JoinCrypto.proofMatches(proof, JoinCrypto.joinProof(fromHash, r))).isTrue();
    assertThat(JoinCrypto.proofMatches(null, proof)).isFalse();
  }

  @Test
  void seal_opensOnlyWithTheSameVerifierAndContext() throws Exception {
    byte[] v = JoinCrypto.verifier("secret".getBytes(StandardCharsets.UTF_8));
    byte[] plain = "ca key".getBytes(StandardCharsets.UTF_8);
    JoinWire.Sealed s = JoinCrypto.seal(v, plain, "c|n", new byte[32], new byte[12]);
    assertThat(JoinCrypto.open(v, s, "c|n")).isEqualTo(plain);
    assertThatThrownBy(() -> JoinCrypto.open(v, s, "c|other"))
        .isInstanceOf(GeneralSecurityException.class);
    byte[] other = JoinCrypto.verifier("other".getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> JoinCrypto.open(other, s, "c|n"))
        .isInstanceOf(GeneralSecurityException.class);
    JoinWire.Sealed salted = JoinCrypto.seal(v, plain, "c|n", new byte[32], new byte[12]);
    JoinWire.Sealed resalted =
        JoinCrypto.seal(
            v, plain, "c|n", "x".repeat(32).getBytes(StandardCharsets.UTF_8), new byte[12]);
    assertThat(resalted.ciphertext()).isNotEqualTo(salted.ciphertext());
  }
}
