package io.raftray.pki;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * TLS for the single HTTPS port and for node-to-node clients. Every context trusts only the cluster
 * CA (never the JDK's {@code cacerts}). An {@link SSLContext} cannot carry protocol restrictions by
 * itself, so callers apply {@link #serverParameters()} or {@link #clientParameters()} to their
 * server, engine or {@code HttpClient}: TLS 1.3 and 1.2 only, with ECDSA/AEAD cipher suites.
 */
public final class TlsContexts {
  static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};
  static final String[] CIPHER_SUITES = {
    "TLS_AES_128_GCM_SHA256",
    "TLS_AES_256_GCM_SHA384",
    "TLS_CHACHA20_POLY1305_SHA256",
    "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
    "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
    "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
  };
  static final String PIN_PREFIX = "sha256:";

  private TlsContexts() {}

  /**
   * The daemon's server context: presents the node key with chain [node, CA] and accepts client
   * certificates issued by the cluster CA (whether they are required is in {@link
   * #serverParameters()}). Its engines answer "which client certificate?" once per session (see
   * {@link PeerCachingSession}); every server context here does.
   */
  public static SSLContext server(NodeIdentity identity) {
    return PeerCachingContext.wrap(context(identity.caCert(), Optional.of(identity)));
  }

  /**
   * A client context that trusts only {@code caCert}; with {@code clientIdentity} it presents the
   * node certificate (mTLS), without it (joining, CLI) it presents none.
   */
  public static SSLContext client(X509Certificate caCert, Optional<NodeIdentity> clientIdentity) {
    clientIdentity.ifPresent(
        identity -> {
          if (!identity.caCert().equals(caCert)) {
            throw new PkiException(
                "client identity of node " + identity.nodeId() + " is from another cluster CA");
          }
        });
    return context(caCert, clientIdentity);
  }

  /**
   * Server context over a {@link LiveIdentity}: a renewed certificate is presented from the next
   * handshake on.
   */
  public static SSLContext server(LiveIdentity identity) {
    return PeerCachingContext.wrap(liveContext(identity.get().caCert(), identity));
  }

  /**
   * Server context that presents an operator certificate of {@code publics} to a client whose SNI
   * name it covers and the {@link LiveIdentity}'s cluster certificate to everyone else.
   */
  public static SSLContext server(LiveIdentity identity, PublicCertificates publics) {
    return PeerCachingContext.wrap(
        liveContext(identity.get().caCert(), new SniKeyManager(identity.keyManager(), publics)));
  }

  /** Client context presenting the {@link LiveIdentity}'s current certificate (mTLS). */
  public static SSLContext client(LiveIdentity identity) {
    return liveContext(identity.get().caCert(), identity);
  }

  /** PKIX trust in the cluster CA alone. */
  private static TrustManagerFactory trusting(X509Certificate caCert)
      throws GeneralSecurityException, IOException {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("cluster-ca", caCert);
    TrustManagerFactory trustManagers = TrustManagerFactory.getInstance("PKIX");
    trustManagers.init(trust);
    return trustManagers;
  }

  private static SSLContext liveContext(X509Certificate caCert, LiveIdentity identity) {
    return liveContext(caCert, identity.keyManager());
  }

  private static SSLContext liveContext(X509Certificate caCert, X509ExtendedKeyManager keys) {
    try {
      TrustManagerFactory trustManagers = trusting(caCert);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(new KeyManager[] {keys}, trustManagers.getTrustManagers(), KeyPairs.random());
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new PkiException("cannot create the TLS context", e);
    }
  }

  /**
   * Server parameters: TLS 1.3/1.2, client certificates wanted but not needed (admins and
   * subscription clients have none; cluster endpoints check the certificate themselves).
   */
  public static SSLParameters serverParameters() {
    SSLParameters parameters = new SSLParameters(CIPHER_SUITES.clone(), PROTOCOLS.clone());
    parameters.setWantClientAuth(true);
    parameters.setUseCipherSuitesOrder(true);
    return parameters;
  }

  /** Client parameters: TLS 1.3/1.2 and host name verification against the certificate SANs. */
  public static SSLParameters clientParameters() {
    SSLParameters parameters = new SSLParameters(CIPHER_SUITES.clone(), PROTOCOLS.clone());
    parameters.setEndpointIdentificationAlgorithm("HTTPS");
    return parameters;
  }

  /** {@code sha256:<hex>} over the CA's DER SubjectPublicKeyInfo; what join tokens carry. */
  public static String caPin(X509Certificate ca) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(ca.getPublicKey().getEncoded());
      return PIN_PREFIX + HexFormat.of().formatHex(digest);
    } catch (GeneralSecurityException e) {
      throw new PkiException("SHA-256 is not available", e);
    }
  }

  /** Compares a pin from a join token with {@code ca}'s pin in constant time. */
  public static boolean pinMatches(String pin, X509Certificate ca) {
    if (pin == null) {
      return false;
    }
    byte[] expected = pin.strip().toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII);
    return MessageDigest.isEqual(caPin(ca).getBytes(StandardCharsets.US_ASCII), expected);
  }

  private static SSLContext context(X509Certificate caCert, Optional<NodeIdentity> identity) {
    // The key store lives only in memory; its password only satisfies the API.
    char[] password = new char[32];
    for (int i = 0; i < password.length; i++) {
      password[i] = (char) ('a' + KeyPairs.random().nextInt(26));
    }
    try {
      TrustManagerFactory trustManagers = trusting(caCert);

      KeyManager[] keyManagers = new KeyManager[0];
      if (identity.isPresent()) {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        NodeIdentity node = identity.get();
        keys.setKeyEntry(
            "node",
            node.privateKey(),
            password,
            new Certificate[] {node.nodeCert(), node.caCert()});
        KeyManagerFactory factory = KeyManagerFactory.getInstance("PKIX");
        factory.init(keys, password);
        keyManagers = factory.getKeyManagers();
      }
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keyManagers, trustManagers.getTrustManagers(), KeyPairs.random());
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new PkiException("cannot create the TLS context", e);
    } finally {
      Arrays.fill(password, '\0');
    }
  }
}
