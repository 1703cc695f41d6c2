package io.raftray.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.raftray.api.EndpointCombinations;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class SsLocalTest {
  static String link(String method, String password, int port) {
    String userinfo =
        Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString((method + ":" + password).getBytes(StandardCharsets.UTF_8));
    return "ss://" + userinfo + "@127.0.0.1:" + port + "#ss";
  }

  @Test
  void command_fromLink_namesServerMethodAndPassword() {
    List<String> cmd = SsLocal.command(link("aes-256-gcm", "pa/ss", 8388), 1081);
    assertThat(cmd)
        .containsExactly(
            "/usr/bin/ss-local",
            "-s",
            "127.0.0.1",
            "-p",
            "8388",
            "-b",
            "127.0.0.1",
            "-l",
            "1081",
            "-m",
            "aes-256-gcm",
            "-k",
            "pa/ss",
            "-t",
            "60");
  }

  @Test
  void command_refusesShadowsocks2022AndOtherProtocols() {
    String key = EndpointCombinations.key(16, 1, true).replace("+", "%2B").replace("/", "%2F");
    String ss2022 =
        "ss://2022-blake3-aes-128-gcm:"
            + key.replace("=", "%3D")
            + ":"
            + key.replace("=", "%3D")
            + "@127.0.0.1:8388#s";
    assertThatThrownBy(() -> SsLocal.command(ss2022, 1081))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("2022-blake3-aes-128-gcm");
    assertThatThrownBy(
            () ->
                SsLocal.command(
                    "trojan://pw@h.example.com:443?security=tls&sni=h.example.com&type=tcp#t",
                    1081))
        .isInstanceOf(IllegalArgumentException.class);
  }

  /** The command really connects: ss-local -> ss-server (same package) -> a local echo server. */
  @Test
  void command_carriesTrafficThroughARealSsServer() throws Exception {
    assertThat(java.nio.file.Path.of(SsLocal.BINARY)).as("shadowsocks-libev installed").exists();
    try (ServerSocket echo = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
      Thread echoThread = Thread.ofVirtual().start(() -> echo(echo));
      int serverPort = freePort();
      int localPort = freePort();
      String method = "chacha20-ietf-poly1305";
      String password = "test-pw/" + serverPort;
      Process server =
          new ProcessBuilder(
                  "/usr/bin/ss-server",
                  "-s",
                  "127.0.0.1",
                  "-p",
                  Integer.toString(serverPort),
                  "-m",
                  method,
                  "-k",
                  password)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      Process local =
          new ProcessBuilder(SsLocal.command(link(method, password, serverPort), localPort))
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      try {
        await()
            .atMost(Duration.ofSeconds(20))
            .until(() -> accepts(serverPort) && accepts(localPort));
        byte[] reply = socks5Echo(localPort, echo.getLocalPort(), "hello through ss");
        assertThat(new String(reply, StandardCharsets.UTF_8)).isEqualTo("hello through ss");
      } finally {
        local.destroy();
        server.destroy();
        echoThread.interrupt();
      }
    }
  }

  private static byte[] socks5Echo(int socksPort, int targetPort, String text) throws IOException {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), socksPort)) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      DataInputStream in = new DataInputStream(s.getInputStream());
      out.write(new byte[] {5, 1, 0});
      byte[] hello = new byte[2];
      in.readFully(hello);
      assertThat(hello).containsExactly(5, 0);
      out.write(
          new byte[] {
            5, 1, 0, 1, 127, 0, 0, 1, (byte) (targetPort >> 8), (byte) (targetPort & 0xff)
          });
      byte[] reply = new byte[10];
      in.readFully(reply);
      assertThat(reply[1]).as("socks reply code").isZero();
      byte[] payload = text.getBytes(StandardCharsets.UTF_8);
      out.write(payload);
      out.flush();
      byte[] back = new byte[payload.length];
      in.readFully(back);
      return back;
    }
  }

  private static void echo(ServerSocket server) {
    while (!server.isClosed()) {
      try (Socket c = server.accept()) {
        InputStream in = c.getInputStream();
        byte[] buf = new byte[4096];
        int n;
        while ((n = in.read(buf)) > 0) {
          c.getOutputStream().write(buf, 0, n);
        }
      } catch (IOException e) {
        return;
      }
    }
  }

  private static boolean accepts(int port) {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      return s.isConnected();
    } catch (IOException e) {
      return false;
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
