package io.raftray.config;

import io.raftray.xray.Flavor;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.NullMarked;

/**
 * How a node reaches its core: a child process it supervises ({@code bin}), an external core's API
 * ({@code api}), or none (both empty: the node runs without a data plane).
 *
 * @param bin the Xray or V2Ray binary to run as a child
 * @param api HOST:PORT of an external core's gRPC API
 * @param flavor the API dialect; empty = detected from the binary's version output (child) or
 *     {@link Flavor#XRAY} (external core, whose version cannot be asked without the API)
 * @param apiPort loopback port of the child's API inbound; 0 = a free port picked at each start
 * @param statsInterval how often traffic counters are read
 */
@NullMarked
public record XraySettings(
    Optional<Path> bin,
    Optional<HostPort> api,
    Optional<Flavor> flavor,
    int apiPort,
    Duration statsInterval) {

  public static final Duration DEFAULT_STATS_INTERVAL = Duration.ofSeconds(5);
  static final Duration MIN_STATS_INTERVAL = Duration.ofMillis(200);
  static final Duration MAX_STATS_INTERVAL = Duration.ofHours(1);

  public XraySettings {
    Objects.requireNonNull(bin, "bin");
    Objects.requireNonNull(api, "api");
    Objects.requireNonNull(flavor, "flavor");
    Objects.requireNonNull(statsInterval, "statsInterval");
  }

  /** No core: the node serves the control plane only. */
  public static XraySettings none() {
    return new XraySettings(
        Optional.empty(), Optional.empty(), Optional.empty(), 0, DEFAULT_STATS_INTERVAL);
  }

  /** A supervised child running {@code bin}, flavor detected, API port picked at each start. */
  public static XraySettings supervised(Path bin) {
    return new XraySettings(
        Optional.of(bin), Optional.empty(), Optional.empty(), 0, DEFAULT_STATS_INTERVAL);
  }

  /** True when a core (child or external) is configured. */
  public boolean enabled() {
    return bin.isPresent() || api.isPresent();
  }

  /** True when nothing differs from {@link #none()} (then node.json omits the object). */
  public boolean isDefault() {
    return equals(none());
  }

  /**
   * Everything wrong with these settings; {@code name} maps a setting name ({@code bin}, {@code
   * api}, {@code flavor}, {@code api_port}, {@code stats_interval}) to how the user wrote it.
   */
  public List<String> problems(UnaryOperator<String> name) {
    List<String> p = new ArrayList<>();
    if (bin.isPresent() && api.isPresent()) {
      p.add(name.apply("bin") + " and " + name.apply("api") + " are mutually exclusive");
    }
    if (bin.isPresent() && !bin.get().isAbsolute() && bin.get().getNameCount() > 1) {
      p.add(name.apply("bin") + " must be an absolute path or a command name on PATH");
    }
    if (flavor.isPresent() && !enabled()) {
      p.add(name.apply("flavor") + " needs " + name.apply("bin") + " or " + name.apply("api"));
    }
    if (apiPort < 0 || apiPort > 65535) {
      p.add(name.apply("api_port") + " must be 0 (pick a free port) or 1-65535");
    }
    if (apiPort != 0 && bin.isEmpty()) {
      p.add(name.apply("api_port") + " needs " + name.apply("bin"));
    }
    if (api.isPresent() && (api.get().port() == 0 || api.get().host().isBlank())) {
      p.add(name.apply("api") + " must be HOST:PORT with a port of 1-65535");
    }
    if (statsInterval.compareTo(MIN_STATS_INTERVAL) < 0
        || statsInterval.compareTo(MAX_STATS_INTERVAL) > 0) {
      p.add(name.apply("stats_interval") + " must be between 200 ms and 1 h");
    }
    return p;
  }
}
