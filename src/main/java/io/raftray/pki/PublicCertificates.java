package io.raftray.pki;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * The operator's public certificates ({@code public_tls}) as they are on disk now. {@link #check}
 * (run every few seconds) reloads a pair whose files changed; a pair that does not load keeps
 * serving its previous certificate and is logged once with the file and the reason. The TLS key
 * manager of the listener ({@link TlsContexts#server(LiveIdentity, PublicCertificates)}) asks
 * {@link #forHost} which chain a client's SNI name gets.
 *
 * <p>Names in {@code clusterHosts} (the host of this node's {@code api_base_url}) always keep the
 * cluster certificate, even when an operator certificate names them too: other nodes and the CLI
 * reach this node by that name and trust only the cluster CA.
 */
public final class PublicCertificates {
  /** An expiry this close is a warning in {@code /readyz} and the node records. */
  public static final Duration WARN_AHEAD = Duration.ofDays(14);

  private static final Logger LOG = Logger.getLogger(PublicCertificates.class.getName());

  /** A chain file and its key file, as {@code node.json} names them. */
  public record Source(Path cert, Path key) {}

  /**
   * What one pair serves now: {@code serial}, {@code notAfter} and {@code names} of the loaded
   * certificate (null/empty before any load succeeded) and, while the files on disk do not load,
   * the reason ({@code error}).
   */
  public record Status(
      Path cert, Path key, List<String> names, String serial, Instant notAfter, String error) {}

  private final List<Slot> slots;
  private final Set<String> clusterHosts;
  private final Clock clock;
  private final AtomicLong ids = new AtomicLong();
  private boolean checkedOnce;

  private static final class Slot {
    final Source source;
    volatile PublicCertificate current;
    // Kept so a handshake that chose its alias just before a reload still gets its key.
    volatile PublicCertificate previous;
    volatile String error;
    byte[] loadedStamp;
    byte[] failedStamp;

    Slot(Source source) {
      this.source = source;
    }
  }

  public PublicCertificates(
      Collection<Source> sources, Collection<String> clusterHosts, Clock clock) {
    this.slots = sources.stream().map(Slot::new).toList();
    this.clusterHosts =
        clusterHosts.stream().map(PublicCertificates::normalize).collect(Collectors.toSet());
    this.clock = clock;
  }

  public boolean isEmpty() {
    return slots.isEmpty();
  }

  /**
   * Loads every pair whose files changed since the last look. A pair that fails is reported when
   * the same content fails twice in a row (at the first check at once): certbot and acme.sh replace
   * the chain and the key one after the other, and a check between the two must not cry wolf.
   */
  public synchronized void check() {
    Instant now = clock.instant();
    for (Slot s : slots) {
      byte[] stamp = stamp(s.source);
      if (Arrays.equals(stamp, s.loadedStamp)) {
        continue;
      }
      try {
        PublicCertificate loaded = load(s.source, now);
        s.previous = s.current;
        s.current = loaded;
        s.loadedStamp = stamp;
        s.failedStamp = null;
        s.error = null;
        LOG.info(
            "public TLS: serving "
                + s.source.cert()
                + " for "
                + String.join(", ", loaded.names())
                + " (serial "
                + loaded.serial()
                + ", valid until "
                + loaded.notAfter()
                + ")");
        for (String h : clusterHosts) {
          if (loaded.covers(h)) {
            LOG.warning(
                "public TLS: "
                    + s.source.cert()
                    + " also names "
                    + h
                    + ", this node's api_base_url host, which keeps the cluster certificate"
                    + " (other nodes and the CLI reach the node by it)");
          }
        }
      } catch (PkiException e) {
        if (checkedOnce && !Arrays.equals(stamp, s.failedStamp)) {
          s.failedStamp = stamp; // looked at again at the next check before it is reported
          continue;
        }
        LOG.warning("public TLS: " + e.getMessage() + "; " + keeping(s));
        s.failedStamp = stamp;
        s.error = e.getMessage();
        // A failed pair is looked at again only when its files change.
        s.loadedStamp = stamp;
      }
    }
    checkedOnce = true;
  }

  /** Any failure as a {@link PkiException}, so one odd file never stops the periodic check. */
  private PublicCertificate load(Source source, Instant now) {
    try {
      return PublicCertificate.load(ids.incrementAndGet(), source.cert(), source.key(), now);
    } catch (PkiException e) {
      throw e;
    } catch (RuntimeException e) {
      // The cause is not quoted: a parser's message could echo bytes of the key file.
      throw new PkiException(
          "certificate file "
              + source.cert()
              + " or key file "
              + source.key()
              + " cannot be loaded ("
              + e.getClass().getSimpleName()
              + ")",
          e);
    }
  }

  private static String keeping(Slot s) {
    PublicCertificate c = s.current;
    return c == null
        ? "its host names get the cluster certificate until it loads"
        : "keeping the certificate loaded before (serial " + c.serial() + ")";
  }

  /**
   * The certificate for SNI name {@code host} with key type {@code keyType}. Empty when no operator
   * certificate covers the name (the cluster certificate answers); a present empty result ({@code
   * Optional.of(Optional.empty())}) when one covers it with another key type, so the handshake
   * tries its next signature scheme instead of falling back to the cluster certificate.
   */
  Optional<Optional<PublicCertificate>> forHost(String host, String keyType) {
    if (host == null || clusterHosts.contains(host)) {
      return Optional.empty();
    }
    boolean covered = false;
    for (Slot s : slots) {
      PublicCertificate c = s.current;
      if (c != null && c.covers(host)) {
        covered = true;
        if (keyType == null || keyType.equals(c.keyType())) {
          return Optional.of(Optional.of(c));
        }
      }
    }
    return covered ? Optional.of(Optional.empty()) : Optional.empty();
  }

  /** The loaded certificate behind a TLS alias, current or just replaced. */
  PublicCertificate byAlias(String alias) {
    for (Slot s : slots) {
      for (PublicCertificate c : new PublicCertificate[] {s.current, s.previous}) {
        if (c != null && c.alias().equals(alias)) {
          return c;
        }
      }
    }
    return null;
  }

  public List<Status> status() {
    List<Status> out = new ArrayList<>();
    for (Slot s : slots) {
      PublicCertificate c = s.current;
      out.add(
          new Status(
              s.source.cert(),
              s.source.key(),
              c == null ? List.of() : c.names(),
              c == null ? null : c.serial(),
              c == null ? null : c.notAfter(),
              s.error));
    }
    return out;
  }

  /** The earliest expiry of the certificates served now; empty when none is loaded. */
  public Optional<Instant> earliestNotAfter() {
    return status().stream().map(Status::notAfter).filter(t -> t != null).min(Instant::compareTo);
  }

  /** One line per pair that does not load or expires within {@link #WARN_AHEAD}. */
  public List<String> warnings() {
    Instant now = clock.instant();
    List<String> out = new ArrayList<>();
    for (Status s : status()) {
      if (s.error() != null) {
        out.add(s.error());
      }
      if (s.notAfter() != null && s.notAfter().isBefore(now.plus(WARN_AHEAD))) {
        long days = Duration.between(now, s.notAfter()).toDays();
        out.add(
            "public certificate "
                + s.cert()
                + " for "
                + String.join(", ", s.names())
                + (s.notAfter().isAfter(now)
                    ? " expires at " + s.notAfter() + " (in " + days + " days)"
                    : " expired at " + s.notAfter())
                + "; renew it");
      }
    }
    return out;
  }

  /** SNI names are ASCII (A-labels) and case-insensitive; a trailing dot means the same host. */
  static String normalize(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    return h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
  }

  /** A digest of both files' bytes (or of why they cannot be read): changes when either does. */
  private static byte[] stamp(Source s) {
    try {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      for (Path p : List.of(s.cert(), s.key())) {
        try {
          byte[] bytes = Files.readAllBytes(p);
          d.update(bytes);
          Arrays.fill(bytes, (byte) 0); // one of the two is a private key
        } catch (IOException e) {
          d.update(("unreadable " + e).getBytes(StandardCharsets.UTF_8));
        }
        d.update((byte) 0);
      }
      return d.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new PkiException("SHA-256 is not available", e);
    }
  }
}
