package io.raftray.cluster;

import org.apache.ratis.conf.Parameters;
import org.apache.ratis.rpc.RpcFactory;
import org.apache.ratis.rpc.RpcType;

/**
 * Ratis transport that carries every Raft RPC over the daemon's single HTTPS port.
 *
 * <p>Select it with {@code RaftConfigKeys.Rpc.setType(properties, new HttpsRpcType())}; Ratis
 * re-creates it by class name, hence the public no-arg constructor. Its inputs come from {@link
 * TransportParameters}.
 */
public final class HttpsRpcType implements RpcType {

  public HttpsRpcType() {}

  @Override
  public String name() {
    return HttpsRpcType.class.getName();
  }

  @Override
  public RpcFactory newFactory(Parameters parameters) {
    return new HttpsRpcFactory(parameters);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof HttpsRpcType;
  }

  @Override
  public int hashCode() {
    return HttpsRpcType.class.hashCode();
  }

  @Override
  public String toString() {
    return "HTTPS";
  }
}
