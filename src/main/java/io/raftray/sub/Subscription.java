package io.raftray.sub;

import io.raftray.model.User;
import io.raftray.model.UserStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * What every renderer turns into a document: the title, the user's proxies, or none and a {@code
 * notice} saying why (disabled, limited, expired, nothing usable granted). A document with nothing
 * to list is still valid for the client and shows the notice as one placeholder proxy instead of
 * being empty. Which notice a document shows is decided here only ({@link #unavailable}, the
 * constructor, {@link #listing}); the renderers only render it.
 */
public record Subscription(String title, List<Proxy> proxies, String notice) {
  /** The notice of a subscription that has no proxy and gives no other reason. */
  static final String NO_PROXIES = "No servers available";

  /** The notice of a document whose format can express none of the subscription's proxies. */
  static final String NONE_EXPRESSIBLE = "No proxy of this subscription works here";

  /**
   * @param notice why there are no proxies; null for {@link #NO_PROXIES} when there are none
   * @throws IllegalArgumentException when there are both proxies and a notice
   */
  public Subscription {
    proxies = List.copyOf(proxies);
    if (notice != null && !proxies.isEmpty()) {
      throw new IllegalArgumentException("a subscription with proxies has no notice");
    }
    if (notice == null && proxies.isEmpty()) {
      notice = NO_PROXIES;
    }
  }

  /**
   * Why {@code u} may not use any proxy now, or null. Limits and expiry are checked against the
   * clock as well: the state flips the status only when a command is applied after the moment.
   * On-hold users get their proxies: their first connection is what starts their period.
   */
  static String unavailable(User u, Instant now) {
    if (u.status() == UserStatus.DISABLED) {
      return "Disabled";
    }
    if (u.status() == UserStatus.EXPIRED || (u.expireAt() != null && !u.expireAt().isAfter(now))) {
      return u.expireAt() == null ? "Expired" : "Expired on " + Units.day(u.expireAt());
    }
    if (u.status() == UserStatus.LIMITED
        || (u.dataLimitBytes() > 0 && u.usedBytes() >= u.dataLimitBytes())) {
      return "Data limit reached";
    }
    return null;
  }

  /** The proxies one document lists, or the single notice placeholder when there is none. */
  record Listing(List<Proxy> proxies, String notice) {
    boolean isNotice() {
      return notice != null;
    }

    List<String> remarks() {
      return proxies.stream().map(Proxy::remark).toList();
    }
  }

  /**
   * What the document of a format lists, given the proxies that format can express: those of the
   * subscription, or the notice placeholder when the subscription has a notice or when none is left
   * ({@link #NONE_EXPRESSIBLE}).
   */
  Listing listing(Predicate<Proxy> expressible) {
    String shown = notice;
    if (shown == null) {
      List<Proxy> out = new ArrayList<>();
      for (Proxy p : proxies) {
        if (expressible.test(p)) {
          out.add(p);
        }
      }
      if (!out.isEmpty()) {
        return new Listing(List.copyOf(out), null);
      }
      shown = NONE_EXPRESSIBLE;
    }
    return new Listing(List.of(Proxy.notice(shown)), shown);
  }

  /** The profile name clients show: the title, then the notice when there is one. */
  String profileTitle() {
    return notice == null ? title : title + " - " + notice;
  }
}
