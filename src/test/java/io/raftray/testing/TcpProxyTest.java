package io.raftray.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(20)
class TcpProxyTest {
  private static final InetAddress HOST = ip("127.0.0.31");
  private static final InetAddress A = ip("127.0.0.32");
  private static final InetAddress B = ip("127.0.0.33");

  private ServerSocket echo;
  private TcpProxy proxy;

  @BeforeEach
  void start() throws IOException {
    echo = new ServerSocket(0, 50, HOST);
    Thread.ofVirtual().start(this::echoLoop);
    proxy = TcpProxy.start(HOST, HOST);
    proxy.target(echo.getLocalPort());
  }

  @AfterEach
  void stop() throws IOException {
    proxy.close();
    echo.close();
  }

  @Test
  void forwardsBothWays_andCutsOnlyTheBlockedSource() throws IOException {
    try (Socket a = connectFrom(A);
        Socket b = connectFrom(B)) {
      assertThat(roundTrip(a, "one")).isEqualTo("one");
      assertThat(roundTrip(b, "two")).isEqualTo("two");

      proxy.block(Set.of(A));
      assertThat(cut(a)).as("open connection from the blocked source").isTrue();
      assertThat(roundTrip(b, "three")).isEqualTo("three");
    }
    try (Socket again = connectFrom(A)) {
      assertThat(cut(again)).as("new connection from the blocked source").isTrue();
    }
    proxy.block(Set.of());
    try (Socket healed = connectFrom(A)) {
      assertThat(roundTrip(healed, "four")).isEqualTo("four");
    }
  }

  @Test
  void changingTheTarget_cutsOpenConnections() throws IOException {
    try (Socket a = connectFrom(A)) {
      assertThat(roundTrip(a, "x")).isEqualTo("x");
      proxy.target(-1);
      assertThat(cut(a)).isTrue();
    }
  }

  private Socket connectFrom(InetAddress source) throws IOException {
    Socket s = new Socket();
    s.bind(new InetSocketAddress(source, 0));
    s.connect(new InetSocketAddress(HOST, proxy.port()), 2_000);
    s.setSoTimeout(5_000);
    return s;
  }

  private static String roundTrip(Socket s, String text) throws IOException {
    byte[] out = text.getBytes(StandardCharsets.UTF_8);
    s.getOutputStream().write(out);
    byte[] in = s.getInputStream().readNBytes(out.length);
    return new String(in, StandardCharsets.UTF_8);
  }

  /** The connection is closed or reset by the proxy (EOF or an error), not silently kept. */
  private static boolean cut(Socket s) {
    Throwable t =
        catchThrowable(
            () -> {
              s.getOutputStream().write(1);
              if (s.getInputStream().read() >= 0) {
                throw new AssertionError("connection still forwards");
              }
            });
    return t == null || t instanceof IOException;
  }

  private void echoLoop() {
    while (!echo.isClosed()) {
      try {
        Socket s = echo.accept();
        Thread.ofVirtual()
            .start(
                () -> {
                  try (s;
                      InputStream in = s.getInputStream()) {
                    in.transferTo(s.getOutputStream());
                  } catch (IOException ignored) {
                    // the proxy cut it
                  }
                });
      } catch (IOException e) {
        return;
      }
    }
  }

  private static InetAddress ip(String s) {
    try {
      return InetAddress.getByName(s);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
