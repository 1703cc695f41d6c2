package io.raftray.xray;

import com.google.protobuf.Message;
import io.raftray.model.Endpoint;
import java.util.List;
import java.util.Objects;

/**
 * Turns an {@link Endpoint} and its users into the messages of a {@link Flavor}: the {@code
 * InboundHandlerConfig} for AddInbound and the operations for AlterInbound. Users get level 0 (the
 * level whose per-user counters the core config enables) and their {@link InboundUser#email()}. TLS
 * certificate and key are read from the endpoint's {@code certificate_file}/{@code key_file} at
 * build time. Every method throws {@link XrayApiException} of kind {@code INVALID} when the
 * endpoint cannot be built for this flavor (unreadable file, malformed key material, a combination
 * the flavor's layout cannot express); messages name paths, never key material.
 */
public final class InboundFactory {
  /** Listen address of API-added inbounds in production. */
  public static final String ANY = "0.0.0.0";

  private final Dialect dialect;
  private final String listen;

  /** Inbounds listening on {@code listen} (an IP literal such as {@link #ANY} or 127.0.0.1). */
  public InboundFactory(Flavor flavor, String listen) {
    this.dialect = Dialect.of(Objects.requireNonNull(flavor, "flavor"));
    this.listen = Objects.requireNonNull(listen, "listen");
  }

  public Flavor flavor() {
    return dialect.flavor();
  }

  public String listen() {
    return listen;
  }

  /** The flavor's {@code InboundHandlerConfig}, tagged {@code endpoint.tag()}. */
  public Message inbound(Endpoint endpoint, List<InboundUser> users) {
    return dialect.inbound(InboundSpec.of(endpoint, users, listen));
  }

  /** The flavor's {@code TypedMessage} of the user's account on this endpoint. */
  public Message account(Endpoint endpoint, InboundUser user) {
    return dialect.account(InboundSpec.proxy(endpoint), user);
  }

  /** The flavor's {@code TypedMessage} of an {@code AddUserOperation} for AlterInbound. */
  public Message addUserOperation(Endpoint endpoint, InboundUser user) {
    return dialect.addUserOperation(InboundSpec.proxy(endpoint), user);
  }

  /** The flavor's {@code TypedMessage} of a {@code RemoveUserOperation} for AlterInbound. */
  public Message removeUserOperation(String email) {
    return dialect.removeUserOperation(email);
  }

  Dialect dialect() {
    return dialect;
  }
}
