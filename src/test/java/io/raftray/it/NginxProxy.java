package io.raftray.it;

import static org.awaitility.Awaitility.await;

import io.raftray.pki.KeyPairs;
import io.raftray.pki.PemFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Assumptions;

/**
 * One nginx process (Debian's {@code nginx} package) as a TLS-terminating reverse proxy with a path
 * prefix per node: {@code https://127.0.0.1:<port>/<prefix>/...} to {@code https://127.0.0.1:<node
 * port>/...}. Everything lives in its own prefix directory (config, keys, logs, temp files, pid);
 * nothing root-owned is touched.
 *
 * <p>nginx terminates TLS with a server certificate for {@code 127.0.0.1} issued by the cluster CA
 * (the nodes trust nothing else). It presents no client certificate upstream, so the nodes see the
 * proxy's connection without one. It does not verify the nodes' certificates ({@code
 * proxy_ssl_verify off}): nginx 1.22 matches {@code proxy_ssl_name} only against DNS names, and the
 * node certificates carry {@code 127.0.0.1} as an IP SAN, so verification would always fail
 * ("upstream SSL certificate does not match").
 */
final class NginxProxy implements AutoCloseable {
  private final Path dir;
  private final int port;
  private Process process;

  private NginxProxy(Path dir, int port) {
    this.dir = dir;
    this.port = port;
  }

  /**
   * The nginx binary. Missing: the test fails when {@code CI=true} (CI installs it: {@code
   * ./run-tests} lists it) and is skipped otherwise.
   */
  static Path binary() {
    for (String candidate : List.of("/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/bin/nginx")) {
      Path p = Path.of(candidate);
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
      Path p = Path.of(d.isEmpty() ? "." : d, "nginx");
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    String why = "nginx is not installed (Debian: apt-get install -y nginx; ./run-tests does it)";
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      throw new AssertionError(why + " but CI=true: this test must run in CI");
    }
    Assumptions.abort(why + "; skipping ProxyClusterIT");
    return null;
  }

  static NginxProxy prepare(Path dir, int port) {
    try {
      Files.createDirectories(dir.resolve("tmp"));
      Files.createDirectories(dir.resolve("logs"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new NginxProxy(dir, port);
  }

  int port() {
    return port;
  }

  String url(String prefix) {
    return "https://127.0.0.1:" + port + "/" + prefix;
  }

  Path accessLog() {
    return dir.resolve("logs/access.log");
  }

  Path errorLog() {
    return dir.resolve("logs/error.log");
  }

  /**
   * Writes the server certificate (127.0.0.1, issued by the cluster CA in {@code caCert}/{@code
   * caKey}) and {@code nginx.conf} routing {@code /<prefix>/} to {@code https://127.0.0.1:<port>/}
   * for each entry of {@code upstreams}, then starts nginx and waits until it accepts connections.
   */
  void start(X509Certificate caCert, PrivateKey caKey, Map<String, Integer> upstreams) {
    KeyPair kp = KeyPairs.generate();
    PemFiles.writeCertificate(dir.resolve("proxy.crt"), issueServerCert(caCert, caKey, kp));
    PemFiles.writePrivateKey(dir.resolve("proxy.key"), kp.getPrivate());
    StringBuilder locations = new StringBuilder();
    upstreams.forEach(
        (prefix, upstream) ->
            locations.append(
                """
                    location /%s/ {
                      proxy_pass https://127.0.0.1:%d/;
                      proxy_ssl_verify off;
                      client_max_body_size 64m;
                      proxy_http_version 1.1;
                      proxy_read_timeout 30s;
                      proxy_request_buffering off;
                      proxy_buffering off;
                    }
                """
                    .formatted(prefix, upstream)));
    // As root the master would hand the workers to 'nobody', which cannot enter the 0700 temp dir.
    String user = "root".equals(System.getProperty("user.name")) ? "user root;\n" : "";
    String conf =
        """
        %sworker_processes 1;
        error_log %s info;
        events { worker_connections 256; }
        http {
          access_log %s;
          client_body_temp_path %s/body;
          proxy_temp_path %s/proxy;
          fastcgi_temp_path %s/fastcgi;
          uwsgi_temp_path %s/uwsgi;
          scgi_temp_path %s/scgi;
          server {
            listen 127.0.0.1:%d ssl;
            ssl_certificate %s;
            ssl_certificate_key %s;
        %s  }
        }
        """
            .formatted(
                user,
                errorLog(),
                accessLog(),
                dir.resolve("tmp"),
                dir.resolve("tmp"),
                dir.resolve("tmp"),
                dir.resolve("tmp"),
                dir.resolve("tmp"),
                port,
                dir.resolve("proxy.crt"),
                dir.resolve("proxy.key"),
                locations);
    try {
      Files.writeString(dir.resolve("nginx.conf"), conf);
      List<String> cmd = new ArrayList<>();
      cmd.add(binary().toString());
      cmd.addAll(
          List.of(
              "-e",
              errorLog().toString(),
              "-p",
              dir.toString(),
              "-c",
              dir.resolve("nginx.conf").toString(),
              "-g",
              "daemon off; pid " + dir.resolve("nginx.pid") + ";"));
      process =
          new ProcessBuilder(cmd)
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("logs/nginx.out").toFile())
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    await("nginx listening on 127.0.0.1:" + port)
        .atMost(Duration.ofSeconds(15))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              if (!process.isAlive()) {
                throw new AssertionError(
                    "nginx exited with " + process.exitValue() + "\n" + logs());
              }
              try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return true;
              } catch (IOException e) {
                return false;
              }
            });
  }

  /** nginx's own output and error log, for failure messages. */
  String logs() {
    return read(dir.resolve("logs/nginx.out")) + read(errorLog());
  }

  static String read(Path p) {
    try {
      return Files.exists(p) ? Files.readString(p, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A plain TLS server certificate for 127.0.0.1 (IP SAN), not a node certificate. */
  static X509Certificate issueServerCert(X509Certificate ca, PrivateKey caKey, KeyPair kp) {
    try {
      Instant now = Instant.now();
      var builder =
          new JcaX509v3CertificateBuilder(
              X500Name.getInstance(ca.getSubjectX500Principal().getEncoded()),
              new BigInteger(128, new SecureRandom()).add(BigInteger.ONE),
              Date.from(now.minus(Duration.ofMinutes(5))),
              Date.from(now.plus(Duration.ofDays(1))),
              new X500Name("CN=raftray test proxy"),
              kp.getPublic());
      builder
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
          .addExtension(
              Extension.extendedKeyUsage,
              false,
              new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
          .addExtension(
              Extension.subjectAlternativeName,
              false,
              new GeneralNames(new GeneralName(GeneralName.iPAddress, "127.0.0.1")));
      return new JcaX509CertificateConverter()
          .getCertificate(
              builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(caKey)));
    } catch (GeneralSecurityException
        | IOException
        | org.bouncycastle.operator.OperatorCreationException e) {
      throw new IllegalStateException("cannot issue the proxy certificate", e);
    }
  }

  @Override
  public void close() {
    if (process != null && process.isAlive()) {
      process.destroy(); // SIGTERM: nginx's fast shutdown
      try {
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
