package io.raftray.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Robustness: 40 concurrent anonymous 64 MiB POSTs on every public route of the packaged program,
 * run with the launcher's heap ({@code -Xmx512m -XX:+ExitOnOutOfMemoryError}), once with a declared
 * {@code Content-Length} and once chunked (no declared length). The node must stay alive, answer
 * {@code /healthz} 200 and serve the admin API afterwards.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class PublicRoutesFloodIT {
  private static final long BODY = 64L * 1024 * 1024;
  private static final int CONCURRENT = 40;
  private static final List<String> ROUTES =
      List.of(
          "/cluster/v1/raft",
          "/cluster/v1/raft/read-index",
          "/cluster/v1/renew",
          "/cluster/v1/member",
          "/cluster/v1/join",
          "/api/v1/users",
          "/sub/abcdefabcdefabcdefabcdef");

  @TempDir Path tmp;

  /** 64 MiB of zeros made on the fly, so the client holds none of it. */
  private static InputStream zeros() {
    return new InputStream() {
      private long left = BODY;

      @Override
      public int read() {
        if (left <= 0) {
          return -1;
        }
        left--;
        return 0;
      }

      @Override
      public int read(byte[] b, int off, int len) {
        if (left <= 0) {
          return -1;
        }
        int n = (int) Math.min(len, left);
        java.util.Arrays.fill(b, off, off + n, (byte) 0);
        left -= n;
        return n;
      }
    };
  }

  @Test
  void anonymousHugeBodies_onEveryPublicRoute_leaveTheNodeAlive() throws Exception {
    try (RaftrayProcess node =
        RaftrayProcess.init(tmp.resolve("data"), RaftrayProcess.freePort())) {
      node.start();
      Map<String, Map<String, Integer>> outcomes = new TreeMap<>();
      for (boolean declared : new boolean[] {true, false}) {
        for (String route : ROUTES) {
          List<CompletableFuture<String>> calls = new ArrayList<>();
          for (int i = 0; i < CONCURRENT; i++) {
            HttpRequest.BodyPublisher body =
                declared
                    ? HttpRequest.BodyPublishers.fromPublisher(
                        HttpRequest.BodyPublishers.ofInputStream(PublicRoutesFloodIT::zeros), BODY)
                    : HttpRequest.BodyPublishers.ofInputStream(PublicRoutesFloodIT::zeros);
            HttpRequest req =
                HttpRequest.newBuilder(node.uri(route))
                    .timeout(Duration.ofMinutes(2))
                    .header("Content-Type", "application/octet-stream")
                    .POST(body)
                    .build();
            calls.add(
                node.http()
                    .sendAsync(req, HttpResponse.BodyHandlers.discarding())
                    .handle(
                        (r, e) ->
                            r != null
                                ? Integer.toString(r.statusCode())
                                : e.getClass().getSimpleName()));
          }
          Map<String, Integer> tally = new TreeMap<>();
          for (CompletableFuture<String> c : calls) {
            tally.merge(c.get(180, TimeUnit.SECONDS), 1, Integer::sum);
          }
          outcomes.put((declared ? "declared " : "chunked ") + route, tally);
          assertThat(node.isRunning())
              .as(
                  "node alive after %s %s; outcomes so far %s\n%s",
                  route, declared, outcomes, node.logTail(30))
              .isTrue();
        }
      }
      System.out.println("flood outcomes: " + outcomes);
      assertThat(healthz(node)).as("outcomes %s", outcomes).isEqualTo(200);
      assertThat(node.get("/users").status()).isEqualTo(200);
      assertThat(node.isRunning()).isTrue();
    }
  }

  private static int healthz(RaftrayProcess node) throws IOException, InterruptedException {
    HttpRequest req =
        HttpRequest.newBuilder(node.uri("/healthz")).timeout(Duration.ofSeconds(10)).GET().build();
    return node.http().send(req, HttpResponse.BodyHandlers.discarding()).statusCode();
  }
}
