package io.raftray.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.util.List;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.server.RaftServerConfigKeys;
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
  void of_default_keepsRatisDefaultAppenderAndLogMetadata() {
    RaftProperties p = RatisSettings.of(config().build());

    assertThat(RatisSettings.pipelinedReplication(p)).isFalse();
    assertThat(RaftServerConfigKeys.Log.logMetadataEnabled(p)).isTrue();
  }

  @Test
  void of_pipelined_selectsThePipelinedAppender_andKeepsLogMetadataForRestarts() {
    RaftProperties p = RatisSettings.of(config().pipelinedReplication(true).build());

    assertThat(RatisSettings.pipelinedReplication(p)).isTrue();
    // A restarted node needs the commit index from its own log to apply the joins that tell it
    // who its peers are; without metadata entries it rejects the leader as an unknown node.
    assertThat(RaftServerConfigKeys.Log.logMetadataEnabled(p)).isTrue();
  }
}
