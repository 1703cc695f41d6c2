package io.raftray.pki;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Optional;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.StandardConstants;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * The listener's key manager: a client whose SNI name an operator certificate covers gets that
 * chain; every other client (other nodes, the CLI, clients without SNI or by IP address) gets the
 * cluster certificate of {@code cluster}. As a client (node-to-node calls) it is {@code cluster}.
 */
final class SniKeyManager extends X509ExtendedKeyManager {
  private static final String PUBLIC = "public-";

  private final X509ExtendedKeyManager cluster;
  private final PublicCertificates publics;

  SniKeyManager(X509ExtendedKeyManager cluster, PublicCertificates publics) {
    this.cluster = cluster;
    this.publics = publics;
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    SSLSession session = socket instanceof SSLSocket s ? s.getHandshakeSession() : null;
    Optional<Optional<PublicCertificate>> p = publics.forHost(sniHost(session), keyType);
    return p.isPresent()
        ? p.get().map(PublicCertificate::alias).orElse(null)
        : cluster.chooseServerAlias(keyType, issuers, socket);
  }

  @Override
  public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
    SSLSession session = engine == null ? null : engine.getHandshakeSession();
    Optional<Optional<PublicCertificate>> p = publics.forHost(sniHost(session), keyType);
    return p.isPresent()
        ? p.get().map(PublicCertificate::alias).orElse(null)
        : cluster.chooseEngineServerAlias(keyType, issuers, engine);
  }

  /** The host name the client asked for, normalised; null without SNI. */
  static String sniHost(SSLSession session) {
    if (!(session instanceof ExtendedSSLSession e)) {
      return null;
    }
    for (SNIServerName n : e.getRequestedServerNames()) {
      if (n.getType() == StandardConstants.SNI_HOST_NAME && n instanceof SNIHostName h) {
        return PublicCertificates.normalize(h.getAsciiName());
      }
    }
    return null;
  }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    return cluster.getServerAliases(keyType, issuers);
  }

  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) {
    return cluster.getClientAliases(keyType, issuers);
  }

  @Override
  public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
    return cluster.chooseClientAlias(keyType, issuers, socket);
  }

  @Override
  public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
    return cluster.chooseEngineClientAlias(keyType, issuers, engine);
  }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    if (alias != null && alias.startsWith(PUBLIC)) {
      PublicCertificate c = publics.byAlias(alias);
      return c == null ? null : c.chain().toArray(X509Certificate[]::new);
    }
    return cluster.getCertificateChain(alias);
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    if (alias != null && alias.startsWith(PUBLIC)) {
      PublicCertificate c = publics.byAlias(alias);
      return c == null ? null : c.key();
    }
    return cluster.getPrivateKey(alias);
  }
}
