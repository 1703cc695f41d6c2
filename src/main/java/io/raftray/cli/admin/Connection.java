package io.raftray.cli.admin;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Where and how to reach the API. Flags win over {@code --data-dir}, which wins over the {@code
 * RAFTRAY_*} environment variables: an explicit choice on the command line beats ambient state.
 */
record Connection(URI server, String token, Path ca) {

  static Connection resolve(ClientOptions opts, CliContext ctx) throws UsageException {
    String server = opts.server;
    if (server == null && opts.dataDir != null) {
      server = serverFromDataDir(opts.dataDir, ctx);
    }
    if (server == null) {
      server = ctx.env("RAFTRAY_SERVER");
    }
    if (server == null) {
      throw new UsageException("no server: use --server URL, RAFTRAY_SERVER or --data-dir DIR");
    }
    String token = opts.token != null ? opts.token : ctx.env("RAFTRAY_TOKEN");
    if (token == null || token.isEmpty()) {
      throw new UsageException("no admin token: use --token TOKEN or RAFTRAY_TOKEN");
    }
    if (!token.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
      // Do not echo it: a mangled secret is still a secret.
      throw new UsageException("the admin token contains spaces or non-ASCII characters");
    }
    Path ca = opts.ca;
    if (ca == null && opts.dataDir != null) {
      ca = opts.dataDir.resolve("tls").resolve("ca.crt");
    }
    if (ca == null && ctx.env("RAFTRAY_CA") != null) {
      ca = Path.of(ctx.env("RAFTRAY_CA"));
    }
    if (ca == null) {
      throw new UsageException("no CA certificate: use --ca FILE, RAFTRAY_CA or --data-dir DIR");
    }
    return new Connection(parseServer(server), token, ca);
  }

  /** An SSLContext that trusts exactly the certificates in {@link #ca} (PEM or DER). */
  SSLContext sslContext() throws UsageException {
    Collection<? extends Certificate> certs;
    try (InputStream in = Files.newInputStream(ca)) {
      certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
    } catch (IOException | GeneralSecurityException e) {
      throw new UsageException("cannot read CA certificate " + ca + ": " + e.getMessage(), e);
    }
    if (certs.isEmpty()) {
      throw new UsageException("no certificate found in " + ca);
    }
    try {
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      int i = 0;
      for (Certificate cert : certs) {
        trust.setCertificateEntry("ca-" + i++, cert);
      }
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      SSLContext tls = SSLContext.getInstance("TLS");
      tls.init(null, tmf.getTrustManagers(), null);
      return tls;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot set up TLS trust for " + ca, e);
    }
  }

  private static String serverFromDataDir(Path dataDir, CliContext ctx) throws UsageException {
    Path nodeJson = dataDir.resolve("node.json");
    JsonNode node;
    try {
      node = ctx.json().readTree(nodeJson.toFile());
    } catch (JacksonException e) {
      throw new UsageException("cannot parse " + nodeJson + ": " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new UsageException("cannot read " + nodeJson + ": " + e.getMessage(), e);
    }
    JsonNode url = node == null ? null : node.get("api_base_url");
    if (url == null || !url.isTextual() || url.asText().isBlank()) {
      throw new UsageException("no api_base_url in " + nodeJson);
    }
    return url.asText();
  }

  private static URI parseServer(String server) throws UsageException {
    try {
      URI uri = new URI(server.strip());
      if (!"https".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
        throw new UsageException(
            "invalid server URL '" + server + "': expected https://HOST[:PORT]");
      }
      if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
        throw new UsageException("invalid server URL '" + server + "': no query or fragment");
      }
      return uri;
    } catch (URISyntaxException e) {
      throw new UsageException("invalid server URL '" + server + "': " + e.getReason(), e);
    }
  }

  @Override
  public String toString() {
    return "Connection[server=" + server + ", ca=" + ca + "]";
  }
}
