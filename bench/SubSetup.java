import java.io.FileInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Fills one node for bench/sub.sh (JDK classes only, run with the source launcher): ENDPOINTS
 * endpoints on the node, USERS users in total, and one user granted every endpoint. Prints that
 * user's subscription URL on stdout. Any answer other than 201 stops it with exit code 1.
 *
 * <p>Usage: java SubSetup.java BASE_URL CA_FILE TOKEN_FILE USERS ENDPOINTS WRITERS
 */
public final class SubSetup {
  private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*\"([^\"]+)\"");
  private static final Pattern URL = Pattern.compile("\"subscription_url\"\\s*:\\s*\"([^\"]+)\"");

  private static HttpClient http;
  private static String base;
  private static String token;

  public static void main(String[] args) throws Exception {
    base = args[0];
    token = Files.readString(Path.of(args[2])).strip();
    int users = Integer.parseInt(args[3]);
    int endpoints = Integer.parseInt(args[4]);
    int writers = Integer.parseInt(args[5]);
    http = HttpClient.newBuilder().sslContext(trusting(args[1])).version(HttpClient.Version.HTTP_1_1).build();

    String node = field(ID, call("GET", "/api/v1/nodes", null, 200));
    List<String> eps = new ArrayList<>();
    for (int i = 0; i < endpoints; i++) {
      String body =
          "{\"node_id\":\"" + node + "\",\"tag\":\"vless-" + i + "\",\"protocol\":\"vless\","
              + "\"port\":" + (31000 + i) + ",\"transport\":\"tcp\",\"security\":\"none\"}";
      eps.add(field(ID, call("POST", "/api/v1/endpoints", body, 201)));
    }
    String alice = call("POST", "/api/v1/users", "{\"name\":\"bench-sub\",\"data_limit_bytes\":107374182400}", 201);
    String aliceId = field(ID, alice);
    for (String ep : eps) {
      call("POST", "/api/v1/grants", "{\"user_id\":\"" + aliceId + "\",\"endpoint_id\":\"" + ep + "\"}", 201);
    }
    AtomicInteger next = new AtomicInteger(1);
    try (ExecutorService pool = Executors.newFixedThreadPool(writers)) {
      List<Future<?>> done = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        done.add(
            pool.submit(
                () -> {
                  for (int n = next.getAndIncrement(); n < users; n = next.getAndIncrement()) {
                    call("POST", "/api/v1/users", String.format("{\"name\":\"bench-u%06d\"}", n), 201);
                  }
                  return null;
                }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    }
    System.out.println(field(URL, alice).replace("\\/", "/"));
  }

  private static String call(String method, String path, String body, int want) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(Duration.ofSeconds(30))
            .header("Authorization", "Bearer " + token);
    b = body == null
        ? b.method(method, HttpRequest.BodyPublishers.noBody())
        : b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != want) {
      System.err.println("SubSetup: " + method + " " + path + " answered " + r.statusCode() + ": " + r.body());
      System.exit(1);
    }
    return r.body();
  }

  private static String field(Pattern p, String json) {
    Matcher m = p.matcher(json);
    if (!m.find()) {
      throw new IllegalStateException("no " + p + " in " + json);
    }
    return m.group(1);
  }

  private static SSLContext trusting(String caFile) throws Exception {
    KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
    ks.load(null, null);
    try (FileInputStream in = new FileInputStream(caFile)) {
      ks.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ks);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    return ctx;
  }
}
