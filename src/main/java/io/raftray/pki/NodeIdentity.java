package io.raftray.pki;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Objects;
import java.util.Optional;

/**
 * This node's TLS identity: its private key, its certificate (node id in the URI SAN) and the
 * cluster CA certificate that issued it. Construction checks that all of these agree, so a {@code
 * NodeIdentity} is always usable for mTLS and request signing. Validity dates are not checked here:
 * an expired certificate still has to be loadable to be renewed or reported.
 *
 * <p>On disk, under {@code <dataDir>/tls} (created 0700): {@code ca.crt}, {@code ca.key} (CA
 * holders only), {@code node.crt}, {@code node.key}. Key files are 0600.
 */
public record NodeIdentity(
    String clusterId,
    String nodeId,
    PrivateKey privateKey,
    X509Certificate nodeCert,
    X509Certificate caCert) {
  static final String TLS_DIR = "tls";
  static final String CA_CERT = "ca.crt";
  static final String CA_KEY = "ca.key";
  static final String NODE_CERT = "node.crt";
  static final String NODE_KEY = "node.key";

  public NodeIdentity {
    Objects.requireNonNull(clusterId, "clusterId");
    Objects.requireNonNull(nodeId, "nodeId");
    Objects.requireNonNull(privateKey, "privateKey");
    Objects.requireNonNull(nodeCert, "nodeCert");
    Objects.requireNonNull(caCert, "caCert");
    String caCluster = ClusterCa.of(caCert, Optional.empty()).clusterId();
    if (!caCluster.equals(clusterId)) {
      throw new PkiException("CA certificate is for cluster " + caCluster + ", not " + clusterId);
    }
    String expected = new NodeUri(clusterId, nodeId).toString();
    if (!NodeUri.of(nodeCert).map(NodeUri::toString).orElse("").equals(expected)) {
      throw new PkiException("node certificate does not carry the URI SAN " + expected);
    }
    try {
      nodeCert.verify(caCert.getPublicKey());
    } catch (GeneralSecurityException e) {
      throw new PkiException("node certificate is not signed by the cluster CA", e);
    }
    KeyPairs.requireP256(privateKey, "node private key");
    if (!KeyPairs.matches(privateKey, nodeCert.getPublicKey())) {
      throw new PkiException("node private key does not match the node certificate");
    }
  }

  /** {@code <dataDir>/tls}. */
  public static Path tlsDir(Path dataDir) {
    return dataDir.resolve(TLS_DIR);
  }

  /** Whether {@code dataDir} holds a node certificate (the node was initialized or joined). */
  public static boolean exists(Path dataDir) {
    return Files.exists(tlsDir(dataDir).resolve(NODE_CERT));
  }

  /** Loads and cross-checks {@code tls/ca.crt}, {@code tls/node.crt} and {@code tls/node.key}. */
  public static NodeIdentity load(Path dataDir) {
    Path tls = tlsDir(dataDir);
    X509Certificate ca = PemFiles.readCertificate(tls.resolve(CA_CERT));
    Path nodeCertFile = tls.resolve(NODE_CERT);
    X509Certificate node = PemFiles.readCertificate(nodeCertFile);
    PrivateKey key = PemFiles.readPrivateKey(tls.resolve(NODE_KEY));
    NodeUri uri =
        NodeUri.of(node)
            .orElseThrow(
                () ->
                    new PkiException(
                        "certificate "
                            + nodeCertFile
                            + " has no raftray://<cluster>/node/<id> SAN"));
    try {
      return new NodeIdentity(uri.clusterId(), uri.nodeId(), key, node, ca);
    } catch (PkiException e) {
      throw new PkiException("node identity in " + tls + " is invalid: " + e.getMessage(), e);
    }
  }

  /**
   * Writes the CA certificate, node key and node certificate, each replaced atomically. The
   * certificate is written last, so an interrupted renewal is reported on load as a key mismatch
   * rather than silently using a stale pair.
   */
  public void save(Path dataDir) {
    Path tls = createTlsDir(dataDir);
    PemFiles.writeCertificate(tls.resolve(CA_CERT), caCert);
    PemFiles.writePrivateKey(tls.resolve(NODE_KEY), privateKey);
    PemFiles.writeCertificate(tls.resolve(NODE_CERT), nodeCert);
  }

  /** The CA private key from {@code tls/ca.key}; empty when this node is not a CA holder. */
  public static Optional<PrivateKey> loadCaKey(Path dataDir) {
    Path file = tlsDir(dataDir).resolve(CA_KEY);
    if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
      return Optional.empty();
    }
    return Optional.of(PemFiles.readPrivateKey(file));
  }

  public static void saveCaKey(Path dataDir, PrivateKey caKey) {
    PemFiles.writePrivateKey(createTlsDir(dataDir).resolve(CA_KEY), caKey);
  }

  /** The cluster CA from {@code tls/ca.crt}, with its key when {@code tls/ca.key} exists. */
  public static ClusterCa loadClusterCa(Path dataDir) {
    X509Certificate ca = PemFiles.readCertificate(tlsDir(dataDir).resolve(CA_CERT));
    return ClusterCa.of(ca, loadCaKey(dataDir));
  }

  static Path createTlsDir(Path dataDir) {
    Path tls = tlsDir(dataDir);
    try {
      Files.createDirectories(dataDir);
    } catch (IOException e) {
      throw new PkiException("cannot create data directory " + dataDir, e);
    }
    try {
      if (PemFiles.posix(tls)) {
        Files.createDirectory(
            tls,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      } else {
        Files.createDirectory(tls);
      }
    } catch (FileAlreadyExistsException e) {
      if (!Files.isDirectory(tls)) {
        throw new PkiException(tls + " exists and is not a directory", e);
      }
    } catch (IOException e) {
      throw new PkiException("cannot create directory " + tls, e);
    }
    return tls;
  }

  @Override
  public String toString() {
    return "NodeIdentity["
        + new NodeUri(clusterId, nodeId)
        + ", serial "
        + nodeCert.getSerialNumber().toString(16)
        + "]";
  }
}
