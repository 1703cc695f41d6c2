package io.raftray.cluster;

import static io.raftray.cluster.AuthFixture.identity;
import static io.raftray.cluster.AuthFixture.node;
import static io.raftray.cluster.AuthFixture.state;
import static org.assertj.core.api.Assertions.assertThat;

import io.helidon.webserver.WebServer;
import io.raftray.model.NodeStatus;
import io.raftray.pki.ClusterCa;
import io.raftray.pki.NodeIdentity;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.ratis.client.impl.ClientProtoUtils;
import org.apache.ratis.proto.netty.NettyProtos.RaftNettyServerRequestProto;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.GroupManagementRequest;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The service authenticates before touching Raft, over the route as the sender signed it, even when
 * a proxy path prefix is in front of the mount.
 */
@Timeout(30)
class RaftHttpServiceAuthTest {
  private static final ClusterCa CA = ClusterCa.create(AuthFixture.CLUSTER);
  private static final NodeIdentity N1 = identity(CA, "node-1");
  private static final NodeIdentity N2 = identity(CA, "node-2");
  private static final byte[] BODY = {1, 2, 3};

  private WebServer web;
  private final List<String> serverCalls = new java.util.concurrent.CopyOnWriteArrayList<>();
  private volatile RaftServer server;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start() {
    ClusterAuth auth =
        new ClusterAuth(
            () -> state(CA, node(N1, NodeStatus.ACTIVE), node(N2, NodeStatus.ACTIVE)),
            N1,
            List.of("node-1", "node-2"),
            Duration.ofSeconds(60),
            Clock.systemUTC());
    RaftHttpService service = new RaftHttpService(() -> server, auth);
    web =
        WebServer.builder()
            .host("127.0.0.1")
            .port(0)
            .shutdownHook(false)
            .routing(r -> r.register("/edge/cluster/v1", service))
            .build()
            .start();
  }

  @AfterEach
  void stop() {
    web.stop();
  }

  private HttpResponse<String> post(String route, Map<String, String> headers) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + web.port() + "/edge" + route))
            .timeout(Duration.ofSeconds(10))
            .POST(HttpRequest.BodyPublishers.ofByteArray(BODY));
    headers.forEach(b::header);
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void post_behindPathPrefix_verifiesTheUnprefixedRoute() throws Exception {
    NodeRequestSigner signer = new NodeRequestSigner(N2);
    // Authenticated, then 503 because no Raft server is running here.
    assertThat(
            post("/cluster/v1/raft", signer.headers("POST", "/cluster/v1/raft", BODY)).statusCode())
        .isEqualTo(503);
    assertThat(
            post(
                    "/cluster/v1/raft/read-index",
                    signer.headers("POST", "/cluster/v1/raft/read-index", BODY))
                .statusCode())
        .isEqualTo(503);
    // Signed for the prefixed path, or for the other route: refused before Raft is consulted.
    assertThat(
            post("/cluster/v1/raft", signer.headers("POST", "/edge/cluster/v1/raft", BODY))
                .statusCode())
        .isEqualTo(401);
    assertThat(
            post("/cluster/v1/raft/read-index", signer.headers("POST", "/cluster/v1/raft", BODY))
                .statusCode())
        .isEqualTo(401);
    HttpResponse<String> unsigned = post("/cluster/v1/raft", Map.of());
    assertThat(unsigned.statusCode()).isEqualTo(401);
    assertThat(unsigned.body())
        .isEqualTo("cluster request not authenticated: missing signature headers");
  }

  @Test
  void post_groupManagementFromAMember_refusedWithoutReachingRaft() throws Exception {
    // A stand-in server that records every call: nothing may reach it.
    server =
        (RaftServer)
            java.lang.reflect.Proxy.newProxyInstance(
                RaftServer.class.getClassLoader(),
                new Class<?>[] {RaftServer.class},
                (proxy, method, args) -> {
                  serverCalls.add(method.getName());
                  if (method.getName().equals("getId")) {
                    return RaftPeerId.valueOf("node-1");
                  }
                  throw new java.io.IOException("stand-in server");
                });
    byte[] body =
        RaftNettyServerRequestProto.newBuilder()
            .setGroupManagementRequest(
                ClientProtoUtils.toGroupManagementRequestProto(
                    GroupManagementRequest.newRemove(
                        ClientId.randomId(),
                        RaftPeerId.valueOf("node-1"),
                        1,
                        RaftNode.groupId(AuthFixture.CLUSTER),
                        true,
                        false)))
            .build()
            .toByteArray();
    NodeRequestSigner signer = new NodeRequestSigner(N2);
    HttpRequest.Builder b =
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + web.port() + "/edge/cluster/v1/raft"))
            .timeout(Duration.ofSeconds(10))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    signer.headers("POST", "/cluster/v1/raft", body).forEach(b::header);
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    assertThat(serverCalls).doesNotContain("groupManagement");
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(r.body()).contains("not accepted from the network");
  }
}
