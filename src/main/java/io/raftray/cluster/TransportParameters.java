package io.raftray.cluster;

import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.util.Objects;
import java.util.Optional;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.server.RaftServer;

/**
 * Typed access to what {@link HttpsRpcType} reads from Ratis {@link Parameters}.
 *
 * <p>The HTTP client is mandatory; the signer defaults to {@link ClusterRequestSigner#NONE}; the
 * bind address is only reported to Ratis (nothing is ever bound); the local server enables the
 * in-process shortcut for client requests addressed to this node and may be set after the server
 * was built, because the transport looks it up on every request.
 */
public final class TransportParameters {
  static final String HTTP_CLIENT = "raftray.transport.https.http-client";
  static final String SIGNER = "raftray.transport.https.signer";
  static final String BIND_ADDRESS = "raftray.transport.https.bind-address";
  static final String LOCAL_SERVER = "raftray.transport.https.local-server";
  static final String FEATURE_LEVELS = "raftray.transport.https.feature-levels";

  private TransportParameters() {}

  /** A fresh {@link Parameters} holding the mandatory HTTP client and the given signer. */
  public static Parameters create(
      HttpClient httpClient, ClusterRequestSigner signer, InetSocketAddress bindAddress) {
    Parameters p = new Parameters();
    setHttpClient(p, httpClient);
    setSigner(p, signer);
    setBindAddress(p, bindAddress);
    return p;
  }

  public static void setHttpClient(Parameters p, HttpClient client) {
    p.put(HTTP_CLIENT, Objects.requireNonNull(client, "client"), HttpClient.class);
  }

  public static void setSigner(Parameters p, ClusterRequestSigner signer) {
    p.put(SIGNER, Objects.requireNonNull(signer, "signer"), ClusterRequestSigner.class);
  }

  public static void setBindAddress(Parameters p, InetSocketAddress address) {
    p.put(BIND_ADDRESS, Objects.requireNonNull(address, "address"), InetSocketAddress.class);
  }

  public static void setLocalServer(Parameters p, RaftServer server) {
    p.put(LOCAL_SERVER, Objects.requireNonNull(server, "server"), RaftServer.class);
  }

  public static void setFeatureLevels(Parameters p, PeerFeatureLevels levels) {
    p.put(FEATURE_LEVELS, Objects.requireNonNull(levels, "levels"), PeerFeatureLevels.class);
  }

  /** Where answers' feature levels are recorded; empty when nobody listens (tests). */
  static Optional<PeerFeatureLevels> featureLevels(Parameters p) {
    return Optional.ofNullable(p.get(FEATURE_LEVELS, PeerFeatureLevels.class));
  }

  static HttpClient httpClient(Parameters p) {
    return p.getNonNull(HTTP_CLIENT, HttpClient.class);
  }

  static ClusterRequestSigner signer(Parameters p) {
    return Optional.ofNullable(p.get(SIGNER, ClusterRequestSigner.class))
        .orElse(ClusterRequestSigner.NONE);
  }

  static InetSocketAddress bindAddress(Parameters p) {
    return Optional.ofNullable(p.get(BIND_ADDRESS, InetSocketAddress.class))
        .orElseGet(() -> new InetSocketAddress("127.0.0.1", 0));
  }

  static Optional<RaftServer> localServer(Parameters p) {
    return Optional.ofNullable(p.get(LOCAL_SERVER, RaftServer.class));
  }
}
