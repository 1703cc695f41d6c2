package io.raftray.pki;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * This node's identity as it is now: a renewed certificate and key replace the old ones in place,
 * and every TLS context built over {@link #keyManager()} presents the new pair from its next
 * handshake on (listener and node-to-node client alike), with no listener restart or client
 * rebuild. Only the certificate and key may change, never the cluster, node id or CA.
 */
public final class LiveIdentity implements Supplier<NodeIdentity> {
  private final AtomicReference<Entry> current;

  /** One generation; the alias names it so a handshake never mixes a key and a chain. */
  private record Entry(long generation, NodeIdentity identity) {
    String alias() {
      return "node-" + generation;
    }
  }

  public LiveIdentity(NodeIdentity initial) {
    this.current = new AtomicReference<>(new Entry(0, Objects.requireNonNull(initial, "initial")));
  }

  @Override
  public NodeIdentity get() {
    return current.get().identity();
  }

  /** Swaps in a renewed identity of the same node, cluster and CA. */
  public void replace(NodeIdentity next) {
    NodeIdentity now = get();
    if (!now.clusterId().equals(next.clusterId())
        || !now.nodeId().equals(next.nodeId())
        || !now.caCert().equals(next.caCert())) {
      throw new PkiException("a renewed identity must keep the cluster, node id and CA");
    }
    current.updateAndGet(e -> new Entry(e.generation() + 1, next));
  }

  /** A key manager that always presents the current certificate and key. */
  public X509ExtendedKeyManager keyManager() {
    return new Manager();
  }

  private final class Manager extends X509ExtendedKeyManager {
    private Entry previous;

    private synchronized Entry entry(String alias) {
      Entry now = current.get();
      if (now.alias().equals(alias)) {
        previous = now;
        return now;
      }
      // A handshake that chose its alias just before a swap still gets a matching pair.
      return previous != null && previous.alias().equals(alias) ? previous : null;
    }

    private String alias(String keyType) {
      Entry now = current.get();
      synchronized (this) {
        previous = now;
      }
      return keyType == null || keyType.startsWith("EC") ? now.alias() : null;
    }

    private String alias(String[] keyTypes) {
      if (keyTypes == null) {
        return alias((String) null);
      }
      for (String t : keyTypes) {
        String a = alias(t);
        if (a != null) {
          return a;
        }
      }
      return null;
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
      String a = alias(keyType);
      return a == null ? null : new String[] {a};
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
      return alias(keyType);
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine e) {
      return alias(keyType);
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
      return getClientAliases(keyType, issuers);
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
      return alias(keyType);
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine e) {
      return alias(keyType);
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
      Entry e = entry(alias);
      return e == null
          ? null
          : new X509Certificate[] {e.identity().nodeCert(), e.identity().caCert()};
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
      Entry e = entry(alias);
      return e == null ? null : e.identity().privateKey();
    }
  }
}
