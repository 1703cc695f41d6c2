package io.raftray.config;

import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;
import org.jspecify.annotations.NullMarked;

/**
 * Raft timings for the network between the nodes ({@code raft.preset} in {@code node.json}). A
 * preset sets the randomized election timeout; explicit {@code raft.election_timeout_min_ms} /
 * {@code _max_ms} override its values. Ratis derives the rest from the election timeout: leaders
 * send heartbeats at half the minimum, and the first election after a start uses the same range.
 */
@NullMarked
public enum RaftPreset {
  /** One data centre or LAN, round trips under about 10 ms: a lost leader is replaced fast. */
  LAN(Duration.ofMillis(300), Duration.ofMillis(600)),
  /** Links across regions or the internet (the default, the timings before presets existed). */
  WAN(Duration.ofSeconds(1), Duration.ofSeconds(2));

  /** What a {@code node.json} without {@code raft.preset} gets: the timings it always had. */
  public static final RaftPreset DEFAULT = WAN;

  private final Duration electionTimeoutMin;
  private final Duration electionTimeoutMax;

  RaftPreset(Duration electionTimeoutMin, Duration electionTimeoutMax) {
    this.electionTimeoutMin = electionTimeoutMin;
    this.electionTimeoutMax = electionTimeoutMax;
  }

  public Duration electionTimeoutMin() {
    return electionTimeoutMin;
  }

  public Duration electionTimeoutMax() {
    return electionTimeoutMax;
  }

  /** The name in {@code node.json} and on the command line: {@code lan}, {@code wan}. */
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The preset named {@code s} exactly as {@link #wire()} spells it; empty for anything else. */
  public static Optional<RaftPreset> parse(String s) {
    return Arrays.stream(values()).filter(p -> p.wire().equals(s)).findFirst();
  }

  /** "lan, wan", for error messages. */
  public static String allowed() {
    return Arrays.stream(values()).map(RaftPreset::wire).collect(Collectors.joining(", "));
  }
}
