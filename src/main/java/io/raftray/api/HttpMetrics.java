package io.raftray.api;

import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.raftray.http.RouteLabel;
import java.util.Comparator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts and times every HTTP request, labelled by route TEMPLATE (e.g. {@code
 * /api/v1/users/{id}}), never by raw path: paths carry ids and subscription tokens. Install it once
 * on the whole routing with {@link #register}; handlers name their template with {@link
 * RouteLabel#set}, and requests no handler named are labelled {@code unmatched}.
 */
public final class HttpMetrics implements Filter {
  private static final double[] BUCKETS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
  private static final Set<String> METHODS =
      Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");
  // Templates are a fixed set; this only guards against a handler that labels with raw input.
  private static final int MAX_ROUTES = 500;

  private record Key(String method, String route, int status) {}

  private static final class Histogram {
    final LongAdder[] buckets = new LongAdder[BUCKETS.length];
    final LongAdder count = new LongAdder();
    final DoubleAdder sum = new DoubleAdder();

    Histogram() {
      for (int i = 0; i < buckets.length; i++) {
        buckets[i] = new LongAdder();
      }
    }
  }

  private final Map<Key, LongAdder> requests = new ConcurrentHashMap<>();
  private final Map<String, Histogram> durations = new ConcurrentHashMap<>();

  /** Adds this filter to the routing: it then sees every request, including unmatched ones. */
  public void register(HttpRouting.Builder routing) {
    routing.addFilter(this);
  }

  @Override
  public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
    long start = System.nanoTime();
    int status = 500;
    RouteLabel.take(); // nothing of an earlier request on this thread
    try {
      chain.proceed();
      status = res.status().code();
    } finally {
      String named = RouteLabel.take();
      String route = named != null ? named : req.matchingPattern().orElse("unmatched");
      record(req.prologue().method().text(), route, status, System.nanoTime() - start);
    }
  }

  void record(String method, String route, int status, long nanos) {
    String m = METHODS.contains(method) ? method : "OTHER";
    String r = durations.containsKey(route) || durations.size() < MAX_ROUTES ? route : "other";
    requests.computeIfAbsent(new Key(m, r, status), k -> new LongAdder()).increment();
    Histogram h = durations.computeIfAbsent(r, k -> new Histogram());
    double seconds = nanos / 1e9;
    for (int i = 0; i < BUCKETS.length; i++) {
      if (seconds <= BUCKETS[i]) {
        h.buckets[i].increment();
      }
    }
    h.count.increment();
    h.sum.add(seconds);
  }

  /** Appends the HTTP series in Prometheus text format 0.0.4. */
  void writeTo(StringBuilder out) {
    out.append("# HELP raftray_http_requests_total HTTP requests by method, route and status.\n");
    out.append("# TYPE raftray_http_requests_total counter\n");
    Map<Key, LongAdder> sorted =
        new TreeMap<>(
            Comparator.comparing(Key::route)
                .thenComparing(Key::method)
                .thenComparingInt(Key::status));
    sorted.putAll(requests);
    sorted.forEach(
        (k, v) ->
            out.append("raftray_http_requests_total{method=\"")
                .append(k.method())
                .append("\",route=\"")
                .append(escape(k.route()))
                .append("\",status=\"")
                .append(k.status())
                .append("\"} ")
                .append(v.sum())
                .append('\n'));
    out.append("# HELP raftray_http_request_duration_seconds HTTP request latency by route.\n");
    out.append("# TYPE raftray_http_request_duration_seconds histogram\n");
    new TreeMap<>(durations)
        .forEach(
            (route, h) -> {
              String r = escape(route);
              for (int i = 0; i < BUCKETS.length; i++) {
                bucket(out, r, Double.toString(BUCKETS[i]), h.buckets[i].sum());
              }
              bucket(out, r, "+Inf", h.count.sum());
              out.append("raftray_http_request_duration_seconds_sum{route=\"")
                  .append(r)
                  .append("\"} ")
                  .append(String.format(Locale.ROOT, "%.6f", h.sum.sum()))
                  .append('\n');
              out.append("raftray_http_request_duration_seconds_count{route=\"")
                  .append(r)
                  .append("\"} ")
                  .append(h.count.sum())
                  .append('\n');
            });
  }

  private static void bucket(StringBuilder out, String route, String le, long n) {
    out.append("raftray_http_request_duration_seconds_bucket{route=\"")
        .append(route)
        .append("\",le=\"")
        .append(le)
        .append("\"} ")
        .append(n)
        .append('\n');
  }

  static String escape(String v) {
    return v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }
}
