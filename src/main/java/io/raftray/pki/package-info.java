/**
 * The cluster's own PKI: the self-signed cluster CA, node key pairs, CSRs, node certificates, PEM
 * files on disk, TLS contexts for the single HTTPS port, and request signatures; and the operator's
 * public certificates ({@code public_tls}) the port presents to clients by SNI.
 *
 * <p>Invariants:
 *
 * <ul>
 *   <li>All cluster keys are ECDSA P-256; all signatures are SHA256withECDSA. Keys of other types
 *       or curves are rejected wherever they enter (CSRs, loaded files). The one exception is an
 *       operator's public certificate key (RSA or EC), used only to serve public clients.
 *   <li>A node's identity is the URI SAN {@code raftray://<cluster-id>/node/<node-id>} in a
 *       certificate issued by the cluster CA; the CN is informational only. The issuer decides the
 *       node id and host names, never the CSR.
 *   <li>Private keys never leave the host they were generated on. The one exception (a later issue)
 *       is the CA key, delivered to joining voters encrypted under a key derived from the join
 *       token secret.
 *   <li>Private key files are created with mode 0600 from the start (no write-then-chmod) and are
 *       refused on load when group or others have any permission; the {@code tls} directory is
 *       created 0700.
 *   <li>TLS contexts trust only the cluster CA, never the JDK's default trust store, and speak only
 *       TLS 1.3 and 1.2. An operator certificate is presented only to a client whose SNI name it
 *       covers, never for the host of {@code api_base_url} and never as a client certificate.
 *   <li>No key material or secret appears in exception messages, {@code toString} or logs.
 * </ul>
 */
package io.raftray.pki;
