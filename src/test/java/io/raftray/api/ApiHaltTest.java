package io.raftray.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftray.api.ApiFixture.Resp;
import io.raftray.state.Command;
import io.raftray.state.Replica;
import io.raftray.state.Result;
import io.raftray.state.State;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A replica that halted at a log entry it cannot apply serves no cluster data at all. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ApiHaltTest {
  static final String REASON =
      "this replica halted at log entry 7: unknown command type 'squad.create'";

  /** The real replica, until {@link #halt} makes it report what the state machine would. */
  static final class Halting implements Replica {
    private final Replica real;
    private volatile String reason;

    Halting(Replica real) {
      this.real = real;
    }

    void halt(String why) {
      reason = why;
    }

    @Override
    public State view() {
      return real.view();
    }

    @Override
    public Result submit(String actor, Command command) {
      return real.submit(actor, command);
    }

    @Override
    public State linearizableView() {
      return real.linearizableView();
    }

    @Override
    public RaftStatus status() {
      return real.status();
    }

    @Override
    public Optional<String> halted() {
      return Optional.ofNullable(reason);
    }
  }

  @Test
  void haltedReplica_refusesReadsAndWritesWith503_andReadyzSaysWhy() {
    Halting[] halting = new Halting[1];
    try (ApiFixture f =
        ApiFixture.start(
            ApiSettings.of(ApiFixture.NODE_ID, ApiFixture.BASE_URL + "/"),
            true,
            r -> halting[0] = new Halting(r))) {
      assertThat(f.post("/api/v1/users", "{\"name\":\"before\"}").status()).isEqualTo(201);
      assertThat(f.send("GET", "/readyz", null, null).status()).isEqualTo(200);

      halting[0].halt(REASON);
      long applied = f.view().appliedIndex();

      Resp read = f.get("/api/v1/users");
      assertThat(read.status()).isEqualTo(503);
      assertThat(read.header("Content-Type")).startsWith("application/problem+json");
      assertThat(read.json().get("detail").asText()).isEqualTo(REASON);
      Resp write = f.post("/api/v1/users", "{\"name\":\"after\"}");
      assertThat(write.status()).isEqualTo(503);
      assertThat(f.get("/api/v1/cluster").status()).isEqualTo(503);
      assertThat(f.view().appliedIndex()).isEqualTo(applied);
      assertThat(f.view().userIdByName()).containsKey("before").doesNotContainKey("after");

      Resp ready = f.send("GET", "/readyz", null, null);
      assertThat(ready.status()).isEqualTo(503);
      assertThat(ready.json().get("status").asText()).isEqualTo("not_ready");
      assertThat(ready.json().get("reason").asText()).isEqualTo(REASON);
      assertThat(f.send("GET", "/healthz", null, null).status()).isEqualTo(200);
      assertThat(f.send("GET", "/metrics", null, null).body()).contains("raftray_state_halted 1\n");
    }
  }
}
