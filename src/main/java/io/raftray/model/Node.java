package io.raftray.model;

import java.time.Instant;
import java.util.Map;

/**
 * A cluster member. {@code apiBaseUrl} is where other nodes and admins reach its one HTTPS port;
 * {@code accessHost} is the public host proxy clients connect to.
 */
public record Node(
    String id,
    String name,
    String apiBaseUrl,
    String accessHost,
    Map<String, String> labels,
    NodeRole role,
    NodeStatus status,
    Map<String, String> facts,
    String certSerial,
    Instant certNotAfter,
    String certificatePem,
    Instant joinedAt,
    Instant updatedAt) {

  public Node {
    labels = labels == null ? Map.of() : Map.copyOf(labels);
    facts = facts == null ? Map.of() : Map.copyOf(facts);
  }
}
