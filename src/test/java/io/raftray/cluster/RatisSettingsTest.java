package io.raftray.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.client.retry.ClientRetryEvent;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.exceptions.StateMachineException;
import org.apache.ratis.retry.RetryPolicy;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.util.Timestamp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(10)
class RatisSettingsTest {
  @TempDir Path tmp;

  private RaftNodeConfig.Builder config() {
    return RaftNodeConfig.builder(
        tmp,
        "n1",
        "c1",
        List.of(new RaftNodeConfig.Peer("n1", "https://127.0.0.1:1")),
        new InetSocketAddress("127.0.0.1", 1),
        HttpClient.newHttpClient());
  }

  @Test
  void of_ratisAppender_keepsLogMetadata() {
    RaftProperties p = RatisSettings.of(config().pipelinedReplication(false).build());

    assertThat(RatisSettings.pipelinedReplication(p)).isFalse();
    assertThat(RaftServerConfigKeys.Log.logMetadataEnabled(p)).isTrue();
  }

  @Test
  void of_builderDefault_isPipelined() {
    assertThat(RatisSettings.pipelinedReplication(RatisSettings.of(config().build()))).isTrue();
  }

  @Test
  void of_pipelined_selectsThePipelinedAppender_andKeepsLogMetadataForRestarts() {
    RaftProperties p = RatisSettings.of(config().pipelinedReplication(true).build());

    assertThat(RatisSettings.pipelinedReplication(p)).isTrue();
    // A restarted node needs the commit index from its own log to apply the joins that tell it
    // who its peers are; without metadata entries it rejects the leader as an unknown node.
    assertThat(RaftServerConfigKeys.Log.logMetadataEnabled(p)).isTrue();
  }

  @Test
  void of_electionTimeouts_becomeRatisRpcTimeouts() {
    RaftProperties p =
        RatisSettings.of(
            config().electionTimeout(Duration.ofMillis(300), Duration.ofMillis(600)).build());

    assertThat(RaftServerConfigKeys.Rpc.timeoutMin(p).toLong(TimeUnit.MILLISECONDS)).isEqualTo(300);
    assertThat(RaftServerConfigKeys.Rpc.timeoutMax(p).toLong(TimeUnit.MILLISECONDS)).isEqualTo(600);
    // The first election after a start follows the same range (Ratis falls back to it).
    assertThat(RaftServerConfigKeys.Rpc.firstElectionTimeoutMin(p).toLong(TimeUnit.MILLISECONDS))
        .isEqualTo(300);
    assertThat(RaftServerConfigKeys.Rpc.firstElectionTimeoutMax(p).toLong(TimeUnit.MILLISECONDS))
        .isEqualTo(600);
  }

  @Test
  void boundedRetry_backsOffFromTenMillisDoublingToTheCap() {
    RetryPolicy policy = RatisSettings.boundedRetry(Duration.ofSeconds(5));
    for (RaftClientRequest.Type type :
        List.of(RaftClientRequest.writeRequestType(), RaftClientRequest.readRequestType())) {
      for (int attempt = 1; attempt <= 10; attempt++) {
        // 10, 20, 40, 80, 160, 200, 200, ... ms, each with Ratis' +-50 % jitter.
        long nominal = Math.min(10L << (attempt - 1), 200);
        for (int sample = 0; sample < 50; sample++) {
          RetryPolicy.Action a =
              policy.handleAttemptFailure(
                  event(type, attempt, new IOException("no leader"), Timestamp.currentTime()));
          assertThat(a.shouldRetry()).as("%s attempt %d", type, attempt).isTrue();
          assertThat(a.getSleepTime().toLong(TimeUnit.MICROSECONDS))
              .as("%s attempt %d sleeps about %d ms", type, attempt, nominal)
              .isBetween(nominal * 500, nominal * 1500);
        }
      }
    }
  }

  @Test
  void boundedRetry_pastTheDeadline_stopsRetrying() {
    RetryPolicy policy = RatisSettings.boundedRetry(Duration.ofSeconds(5));
    Timestamp sixSecondsAgo = Timestamp.currentTime().addTimeMs(-6000);
    Timestamp now = Timestamp.currentTime();

    assertThat(
            policy
                .handleAttemptFailure(
                    event(RaftClientRequest.writeRequestType(), 3, new IOException("x"), now))
                .shouldRetry())
        .isTrue();
    assertThat(
            policy
                .handleAttemptFailure(
                    event(
                        RaftClientRequest.writeRequestType(),
                        3,
                        new IOException("x"),
                        sixSecondsAgo))
                .shouldRetry())
        .isFalse();
  }

  @Test
  void boundedRetry_writeRefusedByTheStateMachine_isNotRetried() {
    RetryPolicy policy = RatisSettings.boundedRetry(Duration.ofSeconds(5));
    StateMachineException refused = new StateMachineException("refused");

    assertThat(
            policy
                .handleAttemptFailure(
                    event(
                        RaftClientRequest.writeRequestType(), 1, refused, Timestamp.currentTime()))
                .shouldRetry())
        .isFalse();
  }

  private static ClientRetryEvent event(
      RaftClientRequest.Type type, int attempt, Throwable cause, Timestamp firstSent) {
    RaftClientRequest request =
        RaftClientRequest.newBuilder()
            .setClientId(ClientId.randomId())
            .setServerId(RaftPeerId.valueOf("n1"))
            .setGroupId(RaftGroupId.randomId())
            .setCallId(1)
            .setMessage(Message.EMPTY)
            .setType(type)
            .build();
    return new ClientRetryEvent(attempt, request, attempt, cause, firstSent);
  }
}
