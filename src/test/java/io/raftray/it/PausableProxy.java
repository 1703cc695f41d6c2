package io.raftray.it;

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
 * A TCP forwarder on a fixed loopback port in front of another loopback port (here: an external
 * core's gRPC API) that can be taken away and brought back: {@link #pause()} closes the listening
 * socket and every forwarded connection, so connects are refused as if the core were gone; {@link
 * #resume()} listens on the same port again.
 */
final class PausableProxy implements AutoCloseable {
  private final int port;
  private final int targetPort;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private volatile ServerSocket server;

  private PausableProxy(int port, int targetPort) {
    this.port = port;
    this.targetPort = targetPort;
  }

  static PausableProxy start(int targetPort) throws IOException {
    ServerSocket s = new ServerSocket();
    s.setReuseAddress(true);
    s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    PausableProxy p = new PausableProxy(s.getLocalPort(), targetPort);
    p.listen(s);
    return p;
  }

  int port() {
    return port;
  }

  /** Stops listening and cuts every forwarded connection: connects are refused from now on. */
  synchronized void pause() {
    ServerSocket s = server;
    server = null;
    quietly(s);
    for (Socket c : open) {
      quietly(c);
    }
    open.clear();
  }

  /** Listens on the same port again. */
  synchronized void resume() throws IOException {
    if (server != null) {
      return;
    }
    ServerSocket s = new ServerSocket();
    s.setReuseAddress(true);
    s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    listen(s);
  }

  private void listen(ServerSocket s) {
    server = s;
    Thread.ofPlatform().daemon().name("api-proxy-" + port).start(() -> accept(s));
  }

  private void accept(ServerSocket s) {
    while (!s.isClosed()) {
      Socket client;
      try {
        client = s.accept();
      } catch (IOException e) {
        return; // paused or closed
      }
      Socket upstream = new Socket();
      try {
        upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 2000);
        client.setTcpNoDelay(true);
        upstream.setTcpNoDelay(true);
      } catch (IOException e) {
        quietly(client);
        quietly(upstream);
        continue;
      }
      open.add(client);
      open.add(upstream);
      if (server != s) {
        quietly(client);
        quietly(upstream);
        return;
      }
      Thread.ofVirtual().start(() -> pump(client, upstream));
      Thread.ofVirtual().start(() -> pump(upstream, client));
    }
  }

  private void pump(Socket from, Socket to) {
    byte[] buf = new byte[16 * 1024];
    try (InputStream in = from.getInputStream()) {
      OutputStream out = to.getOutputStream();
      int n;
      while ((n = in.read(buf)) >= 0) {
        out.write(buf, 0, n);
        out.flush();
      }
    } catch (IOException e) {
      // cut by pause() or by either side
    } finally {
      quietly(from);
      quietly(to);
      open.remove(from);
      open.remove(to);
    }
  }

  @Override
  public void close() {
    pause();
  }

  private static void quietly(AutoCloseable c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (Exception ignored) {
      // already gone
    }
  }
}
