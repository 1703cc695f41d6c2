package io.raftray.xray;

import java.util.Objects;

/**
 * A user of one inbound: {@code email} is the key of its traffic counters (see {@link Emails}),
 * {@code credential} the grant's UUID, password or Shadowsocks key.
 */
public record InboundUser(String email, String credential) {
  public InboundUser {
    Objects.requireNonNull(email, "email");
    Objects.requireNonNull(credential, "credential");
  }

  @Override
  public String toString() {
    return "InboundUser[" + email + "]"; // never the credential
  }
}
