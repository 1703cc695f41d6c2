package io.raftray.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.raftray.join.JoinCrypto;
import io.raftray.join.JoinTokens;
import io.raftray.model.Role;
import io.raftray.pki.PemFiles;
import io.raftray.pki.TlsContexts;
import io.raftray.state.Command;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class ApiJoinTest {
  private final ApiFixture f = ApiFixture.start();

  @AfterEach
  void close() {
    f.close();
  }

  @Test
  void createJoinToken_defaults_returnsTokenOnce() throws Exception {
    ApiFixture.Resp r = f.post("/api/v1/join-tokens", "{}");
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    JsonNode t = r.json();
    assertThat(t.path("ttl_seconds").asLong()).isEqualTo(900);
    assertThat(t.path("max_uses").asInt()).isEqualTo(1);
    assertThat(t.path("used_count").asInt()).isZero();
    assertThat(t.path("role").asText()).isEqualTo("voter");
    assertThat(t.path("status").asText()).isEqualTo("active");
    assertThat(t.path("expires_at").asText())
        .isEqualTo(f.clock.instant().plusSeconds(900).toString());

    JoinTokens.Content c = JoinTokens.decode(t.path("token").asText());
    assertThat(c.clusterId()).isEqualTo(ApiFixture.CLUSTER_ID);
    assertThat(c.tokenId()).isEqualTo(t.path("id").asText());
    assertThat(c.urls()).containsExactly(ApiFixture.BASE_URL);
    assertThat(c.caPin())
        .isEqualTo(TlsContexts.caPin(PemFiles.parseCertificate(ApiFixture.CA_PEM, "ca")));
    byte[] secret = Base64.getUrlDecoder().decode(c.secret());
    assertThat(secret).hasSizeGreaterThanOrEqualTo(16);
    // Only the token's public key is replicated, nothing that makes a proof.
    assertThat(f.view().joinTokens().get(c.tokenId()).secretHash()).isNull();
    assertThat(f.view().joinTokens().get(c.tokenId()).verifyKey())
        .isNotBlank()
        .doesNotContain(JoinCrypto.secretHash(secret));
    assertThat(t.path("ca_holder").asBoolean(true)).isFalse();

    JsonNode listed = f.get("/api/v1/join-tokens").json().path("items").get(0);
    assertThat(listed.has("token")).isFalse();
    assertThat(f.get("/api/v1/join-tokens/" + c.tokenId()).json().has("token")).isFalse();
  }

  @Test
  void createJoinToken_badFields_reportsAllAtOnce() {
    ApiFixture.Resp r =
        f.post(
            "/api/v1/join-tokens",
            "{\"ttl_seconds\":0,\"max_uses\":0,\"role\":\"non_voter\",\"name\":\"x\"}");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.header("Content-Type")).startsWith("application/problem+json");
    assertThat(r.json().path("errors"))
        .extracting(e -> e.path("field").asText())
        .containsExactlyInAnyOrder("ttl_seconds", "max_uses", "role", "name");
    assertThat(f.post("/api/v1/join-tokens", "{\"ttl_seconds\":86401}").status()).isEqualTo(400);
    assertThat(f.view().joinTokens()).isEmpty();
  }

  @Test
  void joinRoutes_needAdminOrOwner() {
    String viewer = f.token(Role.VIEWER);
    String admin = f.token(Role.ADMIN);
    assertThat(f.send("GET", "/api/v1/join-tokens", viewer, null).status()).isEqualTo(403);
    assertThat(f.send("POST", "/api/v1/join-tokens", viewer, "{}").status()).isEqualTo(403);
    assertThat(f.send("GET", "/api/v1/join-requests", viewer, null).status()).isEqualTo(403);
    // Creating one hands out the CA key: owner only (ApiRolesTest).
    assertThat(f.send("POST", "/api/v1/join-tokens", admin, "{}").status()).isEqualTo(403);
    assertThat(f.send("GET", "/api/v1/join-requests", admin, null).status()).isEqualTo(200);
  }

  @Test
  void deleteJoinToken_revokes_andStatusFollowsClock() {
    String used = f.post("/api/v1/join-tokens", "{\"ttl_seconds\":60}").json().path("id").asText();
    String other = f.post("/api/v1/join-tokens", "{}").json().path("id").asText();
    assertThat(f.delete("/api/v1/join-tokens/" + used).status()).isEqualTo(204);
    assertThat(f.delete("/api/v1/join-tokens/" + used).status()).isEqualTo(404);
    assertThat(f.delete("/api/v1/join-tokens/nope").status()).isEqualTo(404);
    assertThat(f.get("/api/v1/join-tokens/" + used).json().path("status").asText())
        .isEqualTo("revoked");
    f.clock.advance(Duration.ofSeconds(901));
    assertThat(f.get("/api/v1/join-tokens/" + other).json().path("status").asText())
        .isEqualTo("expired");
  }

  @Test
  void joinRequests_listApproveReject() {
    String token = f.post("/api/v1/join-tokens", "{\"max_uses\":3}").json().path("id").asText();
    for (String n : new String[] {"b", "c"}) {
      var r =
          f.local.submit(
              "jtk",
              new Command.CreateJoinRequest(
                  "jrq_" + n,
                  token,
                  "node_" + n,
                  "node-" + n,
                  "https://" + n + ".example:8443",
                  n + ".example",
                  Map.of("os", "linux"),
                  "CSR"));
      assertThat(r.ok()).as(r.message()).isTrue();
    }
    JsonNode list = f.get("/api/v1/join-requests?status=pending").json().path("items");
    assertThat(list).extracting(i -> i.path("id").asText()).containsExactly("jrq_b", "jrq_c");
    assertThat(list.get(0).path("facts").path("os").asText()).isEqualTo("linux");
    assertThat(f.get("/api/v1/join-requests?status=bogus").status()).isEqualTo(400);

    ApiFixture.Resp ok = f.post("/api/v1/join-requests/jrq_b/approve", null);
    assertThat(ok.status()).as(ok.body()).isEqualTo(200);
    assertThat(ok.json().path("status").asText()).isEqualTo("approved");
    assertThat(ok.json().path("decided_by").asText()).isEqualTo(f.ownerId);
    assertThat(f.post("/api/v1/join-requests/jrq_b/approve", null).status()).isEqualTo(409);
    assertThat(f.post("/api/v1/join-requests/jrq_b/approve", "{\"x\":1}").status()).isEqualTo(400);

    ApiFixture.Resp no =
        f.post("/api/v1/join-requests/jrq_c/reject", "{\"reason\":\"unknown host\"}");
    assertThat(no.status()).as(no.body()).isEqualTo(200);
    assertThat(no.json().path("status").asText()).isEqualTo("rejected");
    assertThat(no.json().path("reason").asText()).isEqualTo("unknown host");
    assertThat(f.post("/api/v1/join-requests/nope/reject", null).status()).isEqualTo(404);
    assertThat(f.get("/api/v1/join-tokens/" + token).json().path("used_count").asInt())
        .isEqualTo(2);
  }
}
