package io.raftray.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP forwarder in front of one node: accepts on its own address, copies bytes both ways to the
 * node's real listener (TLS passes through untouched) and can cut off clients by source address.
 *
 * <p>A blocked source has its open connections closed and new ones closed right after accept, so
 * the peer sees a reset or EOF at once, like a refused connection. The target port may change (a
 * restarted node listens on a new port); while no target is set, connections are closed.
 */
public final class TcpProxy implements AutoCloseable {
  private final ServerSocket server;
  private final InetAddress targetHost;
  private final Set<Link> links = ConcurrentHashMap.newKeySet();
  private volatile Set<InetAddress> blocked = Set.of();
  private volatile int targetPort = -1;
  private volatile boolean closed;

  private TcpProxy(ServerSocket server, InetAddress targetHost) {
    this.server = server;
    this.targetHost = targetHost;
  }

  /** Listens on {@code host} (an ephemeral port) and forwards to {@code targetHost}. */
  public static TcpProxy start(InetAddress host, InetAddress targetHost) throws IOException {
    ServerSocket server = new ServerSocket();
    server.bind(new InetSocketAddress(host, 0), 128);
    TcpProxy proxy = new TcpProxy(server, targetHost);
    Thread.ofPlatform().daemon().name("proxy-" + server.getLocalPort()).start(proxy::acceptLoop);
    return proxy;
  }

  public InetAddress host() {
    return server.getInetAddress();
  }

  public int port() {
    return server.getLocalPort();
  }

  /**
   * Forward new connections to this port of the target host; -1 closes them instead. Open
   * connections to the previous target are cut, as the death of a process would cut them.
   */
  public void target(int port) {
    targetPort = port;
    for (Link l : links) {
      l.close();
    }
  }

  /** Refuses and cuts every connection coming from one of {@code sources}; empty lifts it. */
  public void block(Set<InetAddress> sources) {
    blocked = Set.copyOf(sources);
    for (Link l : links) {
      if (blocked.contains(l.source())) {
        l.close();
      }
    }
  }

  /** Number of open forwarded connections (for tests of the proxy itself). */
  public int openConnections() {
    return links.size();
  }

  private void acceptLoop() {
    while (!closed) {
      Socket client;
      try {
        client = server.accept();
      } catch (IOException e) {
        if (closed) {
          return;
        }
        continue;
      }
      Thread.ofVirtual().start(() -> connect(client));
    }
  }

  private void connect(Socket client) {
    InetAddress source = client.getInetAddress();
    int port = targetPort;
    if (blocked.contains(source) || port < 0 || closed) {
      closeQuietly(client);
      return;
    }
    Socket upstream = new Socket();
    try {
      upstream.connect(new InetSocketAddress(targetHost, port), 2_000);
      client.setTcpNoDelay(true);
      upstream.setTcpNoDelay(true);
    } catch (IOException e) {
      closeQuietly(client);
      closeQuietly(upstream);
      return;
    }
    Link link = new Link(source, client, upstream);
    links.add(link);
    // A partition may have started while we were connecting.
    if (blocked.contains(source) || closed) {
      link.close();
      return;
    }
    Thread.ofVirtual().start(() -> pump(link, client, upstream));
    Thread.ofVirtual().start(() -> pump(link, upstream, client));
  }

  private void pump(Link link, Socket from, Socket to) {
    byte[] buf = new byte[16 * 1024];
    try (InputStream in = from.getInputStream()) {
      OutputStream out = to.getOutputStream();
      int n;
      while ((n = in.read(buf)) >= 0) {
        out.write(buf, 0, n);
        out.flush();
      }
    } catch (IOException e) {
      // the other direction or a partition closed the link
    } finally {
      link.close();
    }
  }

  @Override
  public void close() {
    closed = true;
    closeQuietly(server);
    for (Link l : links) {
      l.close();
    }
  }

  private final class Link {
    private final InetAddress source;
    private final Socket client;
    private final Socket upstream;

    Link(InetAddress source, Socket client, Socket upstream) {
      this.source = source;
      this.client = client;
      this.upstream = upstream;
    }

    InetAddress source() {
      return source;
    }

    void close() {
      links.remove(this);
      closeQuietly(client);
      closeQuietly(upstream);
    }
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception ignored) {
      // already closed or broken: either way it is gone
    }
  }
}
