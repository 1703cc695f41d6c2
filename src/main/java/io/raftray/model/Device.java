package io.raftray.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * A device registered for a user's subscription by its {@code x-hwid} header, with what the client
 * said about itself ({@code x-device-os}, {@code x-ver-os}, {@code x-device-model}, {@code
 * User-Agent}; null when not sent). {@code nodeId} is the node whose fetch registered it, {@code
 * createdAt} the leader stamp of the batch that did, {@code lastSeenAt} the last reported fetch.
 *
 * <p>The component order is the JSON field order of snapshots: append new components at the end.
 */
public record Device(
    String hwid,
    @JsonInclude(JsonInclude.Include.NON_NULL) String os,
    @JsonInclude(JsonInclude.Include.NON_NULL) String osVersion,
    @JsonInclude(JsonInclude.Include.NON_NULL) String model,
    @JsonInclude(JsonInclude.Include.NON_NULL) String userAgent,
    String nodeId,
    Instant createdAt,
    Instant lastSeenAt) {

  /** At most this many devices per user, whatever the limit (unlimited included). */
  public static final int HARD_CAP = 100;

  /** The longest {@code x-hwid} accepted. */
  public static final int MAX_HWID_LENGTH = 128;

  /** Longer client-described values (OS, version, model, User-Agent) are cut to this length. */
  public static final int MAX_TEXT_LENGTH = 256;

  /**
   * Whether {@code hwid} is one a device may register with: 1-128 printable ASCII characters, no
   * space.
   */
  public static boolean validHwid(String hwid) {
    if (hwid == null || hwid.isEmpty() || hwid.length() > MAX_HWID_LENGTH) {
      return false;
    }
    for (int i = 0; i < hwid.length(); i++) {
      char c = hwid.charAt(i);
      if (c <= ' ' || c > '~') {
        return false;
      }
    }
    return true;
  }

  /** {@code v} cut to {@link #MAX_TEXT_LENGTH} and stripped of control characters; null stays. */
  public static String text(String v) {
    if (v == null) {
      return null;
    }
    if (v.length() <= MAX_TEXT_LENGTH && printable(v)) {
      return v; // the usual case, on every subscription fetch (its User-Agent): no copy
    }
    StringBuilder sb = new StringBuilder(Math.min(v.length(), MAX_TEXT_LENGTH));
    for (int i = 0; i < v.length() && sb.length() < MAX_TEXT_LENGTH; i++) {
      char c = v.charAt(i);
      if (kept(c)) {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  private static boolean printable(String v) {
    for (int i = 0; i < v.length(); i++) {
      if (!kept(v.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  /** Whether {@link #text} keeps {@code c}: anything but control characters. */
  private static boolean kept(char c) {
    return c >= ' ' && c != 0x7f;
  }
}
