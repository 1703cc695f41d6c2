package io.raftray.config;

import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.NullMarked;

/**
 * Automatic renewal of node certificates; the defaults are in {@link Tunables#DEFAULT}.
 *
 * @param checkInterval how often a node looks at its own certificate (and once shortly after start)
 * @param validity lifetime of the certificates this node issues when it renews a member's
 * @param threshold fraction of its lifetime after which a certificate is renewed (0 &lt; t &lt; 1)
 */
@NullMarked
public record RenewalSettings(Duration checkInterval, Duration validity, double threshold) {
  public RenewalSettings {
    Objects.requireNonNull(checkInterval, "checkInterval");
    Objects.requireNonNull(validity, "validity");
    if (!checkInterval.isPositive() || !validity.isPositive() || threshold <= 0 || threshold >= 1) {
      throw new IllegalArgumentException(
          "renewal settings out of range: positive interval and validity, 0 < threshold < 1");
    }
  }
}
