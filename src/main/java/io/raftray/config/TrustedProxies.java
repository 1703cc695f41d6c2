package io.raftray.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.NullMarked;

/**
 * Reverse proxies in front of this node whose word on the client address is taken ({@code
 * trusted_proxies} and {@code client_address_header} in {@code node.json}). Only when the TCP peer
 * of a request is in one of these ranges is the client address read from the header; from anyone
 * else the header is ignored, so a client cannot pick the address it is rate limited by.
 *
 * @param ranges the proxies' addresses or CIDR ranges; empty = no proxy is trusted (the default)
 * @param header the header the proxies set, e.g. {@code X-Forwarded-For} (a comma-separated list,
 *     the rightmost entry added by the nearest proxy) or {@code X-Real-IP}
 */
@NullMarked
public record TrustedProxies(List<Range> ranges, String header) {
  /** The header read when {@code client_address_header} is not set. */
  public static final String DEFAULT_HEADER = "X-Forwarded-For";

  public TrustedProxies {
    ranges = List.copyOf(ranges);
    Objects.requireNonNull(header, "header");
  }

  /** No trusted proxy: the TCP peer is the client. */
  public static TrustedProxies none() {
    return new TrustedProxies(List.of(), DEFAULT_HEADER);
  }

  /** True when nothing is configured (and nothing is written to {@code node.json}). */
  public boolean isDefault() {
    return ranges.isEmpty() && header.equalsIgnoreCase(DEFAULT_HEADER);
  }

  /** Is {@code a} one of the trusted proxies? */
  public boolean trusts(InetAddress a) {
    for (Range r : ranges) {
      if (r.contains(a)) {
        return true;
      }
    }
    return false;
  }

  /** An address or a CIDR range ({@code 10.0.0.0/8}, {@code fd00::/8}, {@code 127.0.0.1}). */
  public record Range(InetAddress network, int prefix) {
    public Range {
      Objects.requireNonNull(network, "network");
      int bits = network.getAddress().length * 8;
      if (prefix < 0 || prefix > bits) {
        throw new IllegalArgumentException("prefix out of range");
      }
    }

    /** Parses {@code ip} or {@code ip/prefix}; empty when it is neither (never resolves names). */
    public static Optional<Range> parse(String text) {
      String s = text.trim();
      int slash = s.indexOf('/');
      String ip = slash < 0 ? s : s.substring(0, slash);
      Optional<InetAddress> a = NodeConfigFile.ipLiteral(ip);
      if (a.isEmpty()) {
        return Optional.empty();
      }
      int bits = a.get().getAddress().length * 8;
      int prefix = bits;
      if (slash >= 0) {
        String p = s.substring(slash + 1);
        if (!p.matches("\\d{1,3}") || Integer.parseInt(p) > bits) {
          return Optional.empty();
        }
        prefix = Integer.parseInt(p);
      }
      return Optional.of(new Range(a.get(), prefix));
    }

    public boolean contains(InetAddress a) {
      byte[] net = network.getAddress();
      byte[] x = a.getAddress();
      if (net.length != x.length) {
        return false;
      }
      int full = prefix / 8;
      for (int i = 0; i < full; i++) {
        if (net[i] != x[i]) {
          return false;
        }
      }
      int rest = prefix % 8;
      if (rest == 0) {
        return true;
      }
      int mask = (0xff << (8 - rest)) & 0xff;
      return (net[full] & mask) == (x[full] & mask);
    }

    @Override
    public String toString() {
      String ip = network.getHostAddress();
      return prefix == network.getAddress().length * 8 ? ip : ip + "/" + prefix;
    }
  }

  /** Reads the two keys; problems are added to {@code problems}. */
  static TrustedProxies read(JsonNode root, List<String> problems) {
    List<Range> ranges = new ArrayList<>();
    JsonNode list = root.path("trusted_proxies");
    if (!list.isMissingNode() && !list.isNull()) {
      if (!list.isArray()) {
        problems.add("trusted_proxies must be a list of IP addresses or CIDR ranges");
      } else {
        for (JsonNode n : list) {
          Optional<Range> r = n.isTextual() ? Range.parse(n.asText()) : Optional.empty();
          if (r.isEmpty()) {
            problems.add(
                "trusted_proxies: '" + n.asText() + "' is not an IP address or CIDR range");
          } else {
            ranges.add(r.get());
          }
        }
      }
    }
    String header = DEFAULT_HEADER;
    JsonNode h = root.get("client_address_header");
    if (h != null) {
      header = h.asText("");
      if (!h.isTextual() || !header.matches("[A-Za-z0-9-]{1,64}")) {
        problems.add("client_address_header must be a header name, got '" + header + "'");
        header = DEFAULT_HEADER;
      } else if (header.toLowerCase(Locale.ROOT).equals("forwarded")) {
        problems.add(
            "client_address_header: the Forwarded header is not supported; use X-Forwarded-For");
      } else if (ranges.isEmpty()) {
        problems.add("client_address_header needs trusted_proxies (the proxies that set it)");
      }
    }
    return new TrustedProxies(ranges, header);
  }

  /** Writes the two keys unless this is the default. */
  void write(ObjectNode root) {
    if (ranges.isEmpty()) {
      return;
    }
    ArrayNode list = root.putArray("trusted_proxies");
    ranges.forEach(r -> list.add(r.toString()));
    if (!header.equalsIgnoreCase(DEFAULT_HEADER)) {
      root.put("client_address_header", header);
    }
  }
}
