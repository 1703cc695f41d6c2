package io.raftray.api;

import io.raftray.pki.PublicCertificates;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The operator certificates ({@code public_tls}) as {@code /readyz} and this node's record in
 * {@code GET /api/v1/nodes} show them, and their expiry as metrics. Nothing secret: file paths,
 * host names, serials and dates.
 */
final class PublicTlsView {
  private PublicTlsView() {}

  /** Null when the node has no operator certificate configured. */
  static Map<String, Object> of(PublicCertificates p) {
    if (p == null || p.isEmpty()) {
      return null;
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("not_after", p.earliestNotAfter().map(Instant::toString).orElse(null));
    List<String> warnings = p.warnings();
    m.put("warning", warnings.isEmpty() ? null : String.join("; ", warnings));
    List<Object> certs = new ArrayList<>();
    for (PublicCertificates.Status s : p.status()) {
      Map<String, Object> c = new LinkedHashMap<>();
      c.put("cert", s.cert().toString());
      c.put("key", s.key().toString());
      c.put("names", s.names());
      c.put("serial", s.serial());
      c.put("not_after", s.notAfter() == null ? null : s.notAfter().toString());
      c.put("error", s.error());
      certs.add(c);
    }
    m.put("certificates", certs);
    return m;
  }

  /** Per served host name its certificate's expiry; a count of pairs that do not load. */
  static void appendMetrics(StringBuilder out, PublicCertificates p) {
    if (p == null || p.isEmpty()) {
      return;
    }
    out.append("# HELP raftray_public_tls_not_after_seconds Expiry (Unix time) of the operator")
        .append(" certificate served for a host name.\n")
        .append("# TYPE raftray_public_tls_not_after_seconds gauge\n");
    int failing = 0;
    // One series per host, from the first pair naming it (the one SNI picks first): a duplicate
    // series would make Prometheus refuse the whole scrape.
    Set<String> seen = new HashSet<>();
    for (PublicCertificates.Status s : p.status()) {
      if (s.error() != null) {
        failing++;
      }
      if (s.notAfter() == null) {
        continue;
      }
      for (String host : s.names()) {
        if (!seen.add(host)) {
          continue;
        }
        out.append("raftray_public_tls_not_after_seconds{host=\"")
            .append(HttpMetrics.escape(host))
            .append("\"} ")
            .append(s.notAfter().getEpochSecond())
            .append('\n');
      }
    }
    out.append("# HELP raftray_public_tls_load_errors Operator certificate pairs whose files on")
        .append(" disk do not load (the previous certificate is kept).\n")
        .append("# TYPE raftray_public_tls_load_errors gauge\n")
        .append("raftray_public_tls_load_errors ")
        .append(failing)
        .append('\n');
  }
}
