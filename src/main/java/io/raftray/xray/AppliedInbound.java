package io.raftray.xray;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the reconciler knows of one inbound of the current core, in one record: what it applied
 * ({@code fingerprint} of the endpoint the inbound was built from, null when it is not in the core;
 * {@code users}, email to credential, in the order they were added) and how applying it fails
 * ({@code failure} reason, {@code failures} in a row, {@code retryAt} the end of its backoff; null,
 * 0 and null when it does not).
 */
record AppliedInbound(
    String fingerprint, Map<String, String> users, String failure, int failures, Instant retryAt) {

  /** Neither in the core nor failing. */
  static final AppliedInbound NONE = new AppliedInbound(null, Map.of(), null, 0, null);

  AppliedInbound {
    users = Collections.unmodifiableMap(new LinkedHashMap<>(users));
  }

  /** An inbound in the core with these users, not failing. */
  static AppliedInbound inCore(String fingerprint, Map<String, String> users) {
    return new AppliedInbound(fingerprint, users, null, 0, null);
  }

  boolean inCore() {
    return fingerprint != null;
  }

  boolean failing() {
    return failure != null;
  }

  /** Whether it failed and {@code now} is before the end of its backoff. */
  boolean backingOff(Instant now) {
    return retryAt != null && now.isBefore(retryAt);
  }

  /** True when there is nothing to remember: not in the core, not failing. */
  boolean forgettable() {
    return !inCore() && !failing();
  }

  /** The same inbound taken out of the core; its failure, if any, is kept. */
  AppliedInbound removed() {
    return new AppliedInbound(null, Map.of(), failure, failures, retryAt);
  }

  /** The same applied content without a failure. */
  AppliedInbound recovered() {
    return new AppliedInbound(fingerprint, users, null, 0, null);
  }
}
