package io.raftray.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.raftray.testing.AdminClient;
import io.raftray.testing.TestCluster;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A console session on a real 3-node cluster: log in on node A, use the cookie on node B (reads and
 * CSRF-protected writes, which the leader checks), stop A and keep working on B; logout on B ends
 * the session on C too. Writes through Raft prove the leader accepts the cookie as a credential.
 */
@Timeout(300)
class ConsoleSessionIT {
  static final String PW = "correct horse battery";
  TestCluster cluster;

  @AfterEach
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void loginOnA_worksOnB_andAfterAIsDead_logoutEndsItEverywhere() {
    cluster = TestCluster.start(3);
    int leader = cluster.awaitLeader();
    // A is a follower, so that killing it keeps the leader; B and C are the other two.
    int a = cluster.followers().get(0);
    int b = List.of(0, 1, 2).stream().filter(i -> i != a && i != leader).findFirst().orElseThrow();
    int c = leader;
    AdminClient.Response created =
        cluster
            .adminClient(b)
            .post("/api/v1/admins", Map.of("username", "alice", "password", PW, "role", "admin"));
    assertThat(created.status()).as(created.toString()).isEqualTo(201);

    AdminClient anonA = cluster.adminClient(a).withHeaders(Map.of());
    AdminClient.Response login =
        anonA.post("/api/v1/auth/login", Map.of("username", "alice", "password", PW));
    assertThat(login.status()).as(login.toString()).isEqualTo(200);
    String set = login.header("Set-Cookie").orElseThrow();
    String cookie = set.substring(0, set.indexOf(';'));
    String csrf = login.body().path("csrf_token").asText();
    Map<String, String> session = Map.of("Cookie", cookie, "X-CSRF-Token", csrf);

    AdminClient onB = cluster.adminClient(b).withHeaders(session);
    await("the session replicated to B")
        .atMost(Duration.ofSeconds(30))
        .until(() -> onB.get("/api/v1/auth/session").status() == 200);
    AdminClient.Response u1 = onB.post("/api/v1/users", Map.of("name", "made-on-b"));
    assertThat(u1.status()).as(u1.toString()).isEqualTo(201);
    AdminClient.Response noCsrf =
        cluster
            .adminClient(b)
            .withHeaders(Map.of("Cookie", cookie))
            .post("/api/v1/users", Map.of("name", "x"));
    assertThat(noCsrf.status()).isEqualTo(403);

    cluster.kill(a);
    assertThat(onB.get("/api/v1/users").status()).isEqualTo(200);
    AdminClient.Response u2 = onB.post("/api/v1/users", Map.of("name", "after-a-died"));
    assertThat(u2.status()).as(u2.toString()).isEqualTo(201);

    assertThat(onB.post("/api/v1/auth/logout", null).status()).isEqualTo(204);
    AdminClient onC = cluster.adminClient(c).withHeaders(session);
    await("the logout replicated to C")
        .atMost(Duration.ofSeconds(30))
        .until(() -> onC.get("/api/v1/users").status() == 401);
    assertThat(onB.get("/api/v1/users").status()).isEqualTo(401);
  }
}
