package io.raftray.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A cluster member. {@code apiBaseUrl} is where other nodes and admins reach its one HTTPS port;
 * {@code accessHost} is the public host proxy clients connect to. {@code caHolder} says whether the
 * node holds the cluster CA key and signs certificates: {@code true} for the nodes of {@code init}
 * and nodes joined with a CA-holder token, {@code false} for ordinary joiners, and absent (null) in
 * records written before the field existed, when every voter got the key: such a node counts as a
 * holder until an owner releases it (see {@link #holdsCaKey()} and {@code docs/cluster-auth.md}).
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
    Instant updatedAt,
    @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable Boolean caHolder) {

  public Node {
    labels = labels == null ? Map.of() : Map.copyOf(labels);
    facts = facts == null ? Map.of() : Map.copyOf(facts);
  }

  /** A record without the CA-holder field (as written before it existed): a legacy holder. */
  public Node(
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
    this(
        id,
        name,
        apiBaseUrl,
        accessHost,
        labels,
        role,
        status,
        facts,
        certSerial,
        certNotAfter,
        certificatePem,
        joinedAt,
        updatedAt,
        null);
  }

  /**
   * Whether this node may sign certificates with the CA key: it is not removed, and it was recorded
   * as a holder or before the field existed (every voter held the key then).
   */
  public boolean holdsCaKey() {
    return status != NodeStatus.REMOVED && (caHolder == null || caHolder);
  }

  /** This node with the CA-holder mark set to {@code holder}, updated at {@code at}. */
  public Node withCaHolder(boolean holder, Instant at) {
    return new Node(
        id,
        name,
        apiBaseUrl,
        accessHost,
        labels,
        role,
        status,
        facts,
        certSerial,
        certNotAfter,
        certificatePem,
        joinedAt,
        at,
        holder);
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
        at,
        caHolder);
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
        at,
        caHolder);
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
        at,
        caHolder);
  }
}
