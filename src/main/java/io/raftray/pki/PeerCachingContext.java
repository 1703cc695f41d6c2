package io.raftray.pki;

import java.security.KeyManagementException;
import java.security.SecureRandom;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;

/**
 * The listener's context: an initialised JDK context whose engines are {@link PeerCachingEngine}s.
 * The web server runs TLS on engines (NIO); sockets from this context are the JDK's own.
 */
final class PeerCachingContext extends SSLContextSpi {
  private final SSLContext delegate;

  private PeerCachingContext(SSLContext delegate) {
    this.delegate = delegate;
  }

  /** {@code initialised}, with engines whose sessions answer the peer question once. */
  static SSLContext wrap(SSLContext initialised) {
    return new SSLContext(
        new PeerCachingContext(initialised),
        initialised.getProvider(),
        initialised.getProtocol()) {};
  }

  @Override
  protected void engineInit(KeyManager[] km, TrustManager[] tm, SecureRandom random)
      throws KeyManagementException {
    throw new KeyManagementException("this TLS context is already initialised");
  }

  @Override
  protected SSLSocketFactory engineGetSocketFactory() {
    return delegate.getSocketFactory();
  }

  @Override
  protected SSLServerSocketFactory engineGetServerSocketFactory() {
    return delegate.getServerSocketFactory();
  }

  @Override
  protected SSLEngine engineCreateSSLEngine() {
    return new PeerCachingEngine(delegate.createSSLEngine());
  }

  @Override
  protected SSLEngine engineCreateSSLEngine(String host, int port) {
    return new PeerCachingEngine(delegate.createSSLEngine(host, port));
  }

  @Override
  protected SSLSessionContext engineGetServerSessionContext() {
    return delegate.getServerSessionContext();
  }

  @Override
  protected SSLSessionContext engineGetClientSessionContext() {
    return delegate.getClientSessionContext();
  }

  @Override
  protected SSLParameters engineGetDefaultSSLParameters() {
    return delegate.getDefaultSSLParameters();
  }

  @Override
  protected SSLParameters engineGetSupportedSSLParameters() {
    return delegate.getSupportedSSLParameters();
  }
}
