package io.raftray.sub;

/** Opens the golden fixtures to tests in other packages. */
public final class SubscriptionFixturesAccess {
  private SubscriptionFixturesAccess() {}

  public static Subscription combinations() {
    return SubscriptionFixtures.combinations().subscription();
  }

  public static Subscription edge() {
    return SubscriptionFixtures.edge().subscription();
  }
}
