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

  /** This node with another status, updated at {@code at}. */
  public Node withStatus(NodeStatus s, Instant at) {
    return new Node(
        id,
        name,
        apiBaseUrl,
        accessHost,
        labels,
        role,
        s,
        facts,
        certSerial,
        certNotAfter,
        certificatePem,
        joinedAt,
        at);
  }

  /** This node with the operator-editable fields replaced, updated at {@code at}. */
  public Node withProfile(
      String newName, String newAccessHost, Map<String, String> newLabels, Instant at) {
    return new Node(
        id,
        newName,
        apiBaseUrl,
        newAccessHost,
        newLabels,
        role,
        status,
        facts,
        certSerial,
        certNotAfter,
        certificatePem,
        joinedAt,
        at);
  }

  /** This node with a renewed certificate, updated at {@code at}. */
  public Node withCertificate(String serial, Instant notAfter, String pem, Instant at) {
    return new Node(
        id,
        name,
        apiBaseUrl,
        accessHost,
        labels,
        role,
        status,
        facts,
        serial,
        notAfter,
        pem,
        joinedAt,
        at);
  }
}
