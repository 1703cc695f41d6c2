package io.raftray.pki;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/** The node identity {@code raftray://<cluster-id>/node/<node-id>} carried in a URI SAN. */
record NodeUri(String clusterId, String nodeId) {
  static final String SCHEME_PREFIX = "raftray://";
  private static final int SAN_URI = 6;

  /** A lowercase DNS label, so the URI authority is a valid host name (UUIDs fit). */
  private static final Pattern CLUSTER_ID = Pattern.compile("[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?");

  /** One URI path segment that is also safe in a CN and in file names. */
  private static final Pattern NODE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");

  NodeUri {
    if (!isValidClusterId(clusterId)) {
      throw new PkiException(
          "invalid cluster id (expected 1-63 of a-z, 0-9, '-', not starting or ending with '-')");
    }
    if (!isValidNodeId(nodeId)) {
      throw new PkiException(
          "invalid node id (expected 1-63 of A-Z, a-z, 0-9, '.', '_', '-', starting alphanumeric)");
    }
  }

  static boolean isValidClusterId(String id) {
    return id != null && CLUSTER_ID.matcher(id).matches();
  }

  static boolean isValidNodeId(String id) {
    return id != null && NODE_ID.matcher(id).matches();
  }

  /**
   * The node URI of {@code certificate}: empty when it has no raftray URI SAN, more than one
   * (ambiguous), or a malformed one.
   */
  static Optional<NodeUri> of(X509Certificate certificate) {
    Collection<List<?>> names;
    try {
      names = certificate.getSubjectAlternativeNames();
    } catch (CertificateParsingException e) {
      return Optional.empty();
    }
    if (names == null) {
      return Optional.empty();
    }
    List<String> uris =
        names.stream()
            .filter(name -> name.size() >= 2 && Integer.valueOf(SAN_URI).equals(name.get(0)))
            .map(name -> String.valueOf(name.get(1)))
            .filter(uri -> uri.startsWith(SCHEME_PREFIX))
            .toList();
    return uris.size() == 1 ? parse(uris.get(0)) : Optional.empty();
  }

  static Optional<NodeUri> parse(String uri) {
    if (uri == null || !uri.startsWith(SCHEME_PREFIX)) {
      return Optional.empty();
    }
    String rest = uri.substring(SCHEME_PREFIX.length());
    int slash = rest.indexOf("/node/");
    if (slash < 0) {
      return Optional.empty();
    }
    String clusterId = rest.substring(0, slash);
    String nodeId = rest.substring(slash + "/node/".length());
    if (!isValidClusterId(clusterId) || !isValidNodeId(nodeId)) {
      return Optional.empty();
    }
    return Optional.of(new NodeUri(clusterId, nodeId));
  }

  @Override
  public String toString() {
    return SCHEME_PREFIX + clusterId + "/node/" + nodeId;
  }
}
