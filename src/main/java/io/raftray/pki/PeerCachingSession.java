package io.raftray.pki;

import java.security.Principal;
import java.security.cert.Certificate;
import java.util.List;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSessionContext;

/**
 * A TLS session that asks its delegate for the peer's certificates once and answers "none" without
 * building a new exception each time. The web server asks on every request (to offer the client's
 * CN to handlers); with client certificates only wanted, most clients (subscription apps, browsers)
 * send none, and the JDK then throws a fresh {@link SSLPeerUnverifiedException} with a full stack
 * trace per request. The peer of a session is fixed at its handshake, so one answer per session is
 * the same answer.
 */
final class PeerCachingSession extends ExtendedSSLSession {
  private static final Certificate[] NONE = new Certificate[0];

  private final SSLSession delegate;
  private volatile Certificate[] peer;

  PeerCachingSession(SSLSession delegate) {
    this.delegate = delegate;
  }

  /** The session this one stands for, to tell when the engine moved to another one. */
  SSLSession delegate() {
    return delegate;
  }

  @Override
  public Certificate[] getPeerCertificates() throws SSLPeerUnverifiedException {
    Certificate[] known = peer;
    if (known == null) {
      try {
        known = delegate.getPeerCertificates();
      } catch (SSLPeerUnverifiedException e) {
        known = NONE;
      }
      peer = known;
    }
    if (known.length == 0) {
      throw new NoPeerCertificate();
    }
    return known.clone();
  }

  @Override
  public Principal getPeerPrincipal() throws SSLPeerUnverifiedException {
    getPeerCertificates();
    return delegate.getPeerPrincipal();
  }

  @Override
  public byte[] getId() {
    return delegate.getId();
  }

  @Override
  public SSLSessionContext getSessionContext() {
    return delegate.getSessionContext();
  }

  @Override
  public long getCreationTime() {
    return delegate.getCreationTime();
  }

  @Override
  public long getLastAccessedTime() {
    return delegate.getLastAccessedTime();
  }

  @Override
  public void invalidate() {
    delegate.invalidate();
  }

  @Override
  public boolean isValid() {
    return delegate.isValid();
  }

  @Override
  public void putValue(String name, Object value) {
    delegate.putValue(name, value);
  }

  @Override
  public Object getValue(String name) {
    return delegate.getValue(name);
  }

  @Override
  public void removeValue(String name) {
    delegate.removeValue(name);
  }

  @Override
  public String[] getValueNames() {
    return delegate.getValueNames();
  }

  @Override
  public Certificate[] getLocalCertificates() {
    return delegate.getLocalCertificates();
  }

  @Override
  public Principal getLocalPrincipal() {
    return delegate.getLocalPrincipal();
  }

  @Override
  public String getCipherSuite() {
    return delegate.getCipherSuite();
  }

  @Override
  public String getProtocol() {
    return delegate.getProtocol();
  }

  @Override
  public String getPeerHost() {
    return delegate.getPeerHost();
  }

  @Override
  public int getPeerPort() {
    return delegate.getPeerPort();
  }

  @Override
  public int getPacketBufferSize() {
    return delegate.getPacketBufferSize();
  }

  @Override
  public int getApplicationBufferSize() {
    return delegate.getApplicationBufferSize();
  }

  @Override
  public String[] getLocalSupportedSignatureAlgorithms() {
    return delegate instanceof ExtendedSSLSession e
        ? e.getLocalSupportedSignatureAlgorithms()
        : new String[0];
  }

  @Override
  public String[] getPeerSupportedSignatureAlgorithms() {
    return delegate instanceof ExtendedSSLSession e
        ? e.getPeerSupportedSignatureAlgorithms()
        : new String[0];
  }

  @Override
  public List<SNIServerName> getRequestedServerNames() {
    return delegate instanceof ExtendedSSLSession e ? e.getRequestedServerNames() : List.of();
  }

  @Override
  public List<byte[]> getStatusResponses() {
    return delegate instanceof ExtendedSSLSession e ? e.getStatusResponses() : List.of();
  }

  @Override
  public String toString() {
    return delegate.toString();
  }

  /**
   * "No client certificate" is an expected answer, asked per request: a stack trace would say only
   * that the web server asked, and filling it in is most of what the answer costs.
   */
  static final class NoPeerCertificate extends SSLPeerUnverifiedException {
    private static final long serialVersionUID = 1L;

    NoPeerCertificate() {
      super("peer not authenticated");
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
      return this;
    }
  }
}
