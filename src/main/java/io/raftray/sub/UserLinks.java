package io.raftray.sub;

import io.raftray.model.User;
import io.raftray.state.State;
import java.util.ArrayList;
import java.util.List;

/**
 * A user's share links for admin views (the Marzban-compatible API's {@code links}): the same
 * proxies, remarks and links as the user's {@code /sub/<token>/links} document, but whatever the
 * user's status, as Marzban lists a user's links whether or not it may connect now.
 */
public final class UserLinks {
  // One builder for every caller: its per-view index is rebuilt only when the view changes.
  private static final SubscriptionBuilder BUILDER = new SubscriptionBuilder();

  private UserLinks() {}

  /** The share links of {@code user} in {@code view}, in subscription order. */
  public static List<String> of(State view, User user) {
    List<String> out = new ArrayList<>();
    for (Proxy p : BUILDER.proxiesOf(view, user)) {
      out.add(ShareLinks.link(p));
    }
    return out;
  }
}
