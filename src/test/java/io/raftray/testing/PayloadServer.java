package io.raftray.testing;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A plain HTTP server on 127.0.0.1 (free port) that answers {@code GET /payload} with a fixed
 * pseudo-random body of the size given, so a fetch through a proxy can be checked byte for byte.
 */
public final class PayloadServer implements AutoCloseable {
  private final HttpServer server;
  private final ExecutorService executor;
  private final byte[] payload;
  private final AtomicInteger requests = new AtomicInteger();

  private PayloadServer(HttpServer server, ExecutorService executor, byte[] payload) {
    this.server = server;
    this.executor = executor;
    this.payload = payload;
  }

  /** Serves {@code size} bytes (seeded, the same for equal sizes). */
  public static PayloadServer start(int size) {
    return start(size, 0);
  }

  /**
   * Like {@link #start(int)}, but each response is sent at about {@code bytesPerSecond} (64 KiB
   * chunks, paced against the time the response started), so a transfer takes a known time, like a
   * client on a slow link. 0 = as fast as possible.
   */
  public static PayloadServer start(int size, long bytesPerSecond) {
    byte[] payload = new byte[size];
    new Random(size).nextBytes(payload);
    try {
      HttpServer server =
          HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
      ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
      PayloadServer p = new PayloadServer(server, executor, payload);
      server.createContext(
          "/payload",
          exchange -> {
            p.requests.incrementAndGet();
            exchange.getResponseHeaders().set("Content-Type", "application/octet-stream");
            exchange.sendResponseHeaders(200, payload.length);
            try (OutputStream out = exchange.getResponseBody()) {
              if (bytesPerSecond <= 0) {
                out.write(payload);
              } else {
                paced(out, payload, bytesPerSecond);
              }
            }
          });
      server.setExecutor(executor);
      server.start();
      return p;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void paced(OutputStream out, byte[] body, long bytesPerSecond) throws IOException {
    long start = System.nanoTime();
    int chunk = 64 * 1024;
    for (int off = 0; off < body.length; off += chunk) {
      int n = Math.min(chunk, body.length - off);
      out.write(body, off, n);
      out.flush();
      long due = start + (long) ((off + n) * 1e9 / bytesPerSecond);
      long wait = due - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait); // the simulated link's speed, not a wait for a condition
      }
    }
  }

  /** {@code http://127.0.0.1:<port>/payload}. */
  public URI uri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/payload");
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** A copy of the body served. */
  public byte[] payload() {
    return payload.clone();
  }

  public int size() {
    return payload.length;
  }

  /** Requests that reached the server (a failed proxy connection never does). */
  public int requests() {
    return requests.get();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
