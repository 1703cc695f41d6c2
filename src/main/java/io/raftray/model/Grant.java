package io.raftray.model;

import java.time.Instant;

/**
 * Gives a user access to one endpoint with a generated credential: a UUID for VLESS/VMess, a
 * password for Trojan, a key for Shadowsocks. A null {@code credential} means the grant uses the
 * user's own {@link UserCredentials} for the endpoint's protocol.
 */
public record Grant(
    String id,
    String userId,
    String endpointId,
    String credential,
    boolean enabled,
    Instant createdAt,
    Instant updatedAt) {}
