package io.raftray.cluster;

import io.helidon.common.tls.TlsClientAuth;
import io.helidon.webserver.WebServer;
import io.raftray.config.Tunables;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import org.apache.ratis.server.RaftServer;

/**
 * One cluster member for tests: an HTTPS Helidon listener on 127.0.0.1:0 (mTLS required) that
 * mounts {@link RaftHttpService} at {@code prefix + /cluster/v1}, and a {@link RaftNode} that can
 * be stopped and restarted on the same storage directory.
 */
final class TestNode implements AutoCloseable {
  final String id;
  final Path dir;
  final HttpClient httpClient;
  private final String prefix;
  private final WebServer web;
  private final AtomicReference<RaftNode> raft = new AtomicReference<>();
  private volatile ListStateMachine sm;

  TestNode(TestPki pki, String id, Path dir, String prefix) throws Exception {
    this.id = id;
    this.dir = dir;
    this.prefix = prefix;
    SSLContext ctx = pki.nodeContext(id);
    this.httpClient = TestPki.httpClient(ctx);
    RaftHttpService service = new RaftHttpService(this::currentServer);
    this.web =
        WebServer.builder()
            .host("127.0.0.1")
            .port(0)
            .maxPayloadSize(64L << 20)
            .tls(t -> t.sslContext(ctx).clientAuth(TlsClientAuth.REQUIRED))
            .routing(r -> r.register(prefix + "/cluster/v1", service))
            .shutdownHook(false)
            .build()
            .start();
  }

  private RaftServer currentServer() {
    RaftNode n = raft.get();
    return n == null ? null : n.server();
  }

  String baseUrl() {
    return "https://127.0.0.1:" + web.port() + prefix;
  }

  RaftNodeConfig.Peer peer() {
    return new RaftNodeConfig.Peer(id, baseUrl());
  }

  RaftNodeConfig config(String clusterId, List<RaftNodeConfig.Peer> peers) {
    return configBuilder(clusterId, peers).build();
  }

  /**
   * Default settings, with the replication mode of this JVM's {@code RAFTRAY_REPLICATION} (the
   * build's {@code -Draftray.replication}), as a daemon started here would have.
   */
  RaftNodeConfig.Builder configBuilder(String clusterId, List<RaftNodeConfig.Peer> peers) {
    return RaftNodeConfig.builder(
            dir, id, clusterId, peers, new InetSocketAddress("127.0.0.1", web.port()), httpClient)
        .pipelinedReplication(Tunables.fromEnvironment(System.getenv()).pipelinedReplication());
  }

  RaftNode start(RaftNodeConfig cfg) throws IOException {
    ListStateMachine machine = new ListStateMachine();
    RaftNode node = RaftNode.start(cfg, machine);
    sm = machine;
    raft.set(node);
    return node;
  }

  RaftNode raft() {
    return raft.get();
  }

  ListStateMachine sm() {
    return sm;
  }

  /** Stops Raft but keeps the listener, which then answers 503. */
  void stopRaft() throws IOException {
    RaftNode n = raft.getAndSet(null);
    if (n != null) {
      n.close();
    }
  }

  @Override
  public void close() throws IOException {
    try {
      stopRaft();
    } finally {
      web.stop();
    }
  }
}
