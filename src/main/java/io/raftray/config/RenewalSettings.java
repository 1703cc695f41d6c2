package io.raftray.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Automatic renewal of node certificates.
 *
 * @param checkInterval how often a node looks at its own certificate (and once shortly after start)
 * @param validity lifetime of the certificates this node issues when it renews a member's
 * @param threshold fraction of its lifetime after which a certificate is renewed (0 &lt; t &lt; 1)
 */
public record RenewalSettings(Duration checkInterval, Duration validity, double threshold) {
  public static final RenewalSettings DEFAULT =
      new RenewalSettings(Duration.ofHours(1), Duration.ofDays(30), 2.0 / 3.0);

  public RenewalSettings {
    Objects.requireNonNull(checkInterval, "checkInterval");
    Objects.requireNonNull(validity, "validity");
    if (!checkInterval.isPositive() || !validity.isPositive() || threshold <= 0 || threshold >= 1) {
      throw new IllegalArgumentException(
          "renewal settings out of range: positive interval and validity, 0 < threshold < 1");
    }
  }
}
