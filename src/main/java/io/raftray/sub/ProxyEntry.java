package io.raftray.sub;

import io.raftray.model.Endpoint;
import java.util.Objects;

/**
 * One proxy of a subscription: an enabled grant of the user on an enabled endpoint of an active
 * node. {@code host} is that node's {@code access_host}; {@code remark} is unique within the
 * subscription.
 */
public record ProxyEntry(String remark, String host, Endpoint endpoint, String credential) {
  public ProxyEntry {
    Objects.requireNonNull(remark, "remark");
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(endpoint, "endpoint");
    Objects.requireNonNull(credential, "credential");
  }

  @Override
  public String toString() {
    return "ProxyEntry[" + remark + " " + host + ":" + endpoint.port() + "]"; // no credential
  }
}
