package io.raftray.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.ratis.proto.netty.NettyProtos.RaftNettyServerRequestProto;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class RaftHttpServiceTest {
  @TempDir Path tmp;

  @Test
  @Timeout(60)
  void post_beforeServerAndWithBadBodies_answers503And400WithoutStackTraces() throws Exception {
    try (TestNode n = new TestNode(new TestPki(), "n1", tmp.resolve("n1"), "")) {
      byte[] garbage = {(byte) 0xff, 0x01, 0x02};
      assertThat(post(n, "/cluster/v1/raft", garbage).statusCode()).isEqualTo(503);

      RaftNode node = n.start(n.config("c1", List.of(n.peer())));
      await().atMost(Duration.ofSeconds(15)).until(() -> "LEADER".equals(node.role()));

      HttpResponse<String> bad = post(n, "/cluster/v1/raft", garbage);
      assertThat(bad.statusCode()).isEqualTo(400);
      assertThat(bad.body()).isEqualTo("malformed raft request");
      HttpResponse<String> empty =
          post(
              n,
              "/cluster/v1/raft",
              RaftNettyServerRequestProto.getDefaultInstance().toByteArray());
      assertThat(empty.statusCode()).isEqualTo(400);
      assertThat(empty.body()).doesNotContain("Exception");
      assertThat(post(n, "/cluster/v1/raft/read-index", garbage).statusCode()).isEqualTo(400);
    }
  }

  private static HttpResponse<String> post(TestNode n, String path, byte[] body) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(n.baseUrl() + path))
            .header("Content-Type", "application/x-protobuf")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
    return n.httpClient.send(request, HttpResponse.BodyHandlers.ofString());
  }
}
