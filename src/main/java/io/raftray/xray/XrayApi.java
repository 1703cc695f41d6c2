package io.raftray.xray;

import io.raftray.model.Endpoint;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The calls the daemon makes on its local core (HandlerService and StatsService). Implemented over
 * gRPC for both {@link Flavor}s. Every method throws {@link XrayApiException}.
 */
public interface XrayApi extends AutoCloseable {

  Flavor flavor();

  /** Adds the endpoint as an inbound tagged {@code endpoint.tag()} with these users. */
  void addInbound(Endpoint endpoint, List<InboundUser> users);

  void removeInbound(String tag);

  /** AlterInbound with AddUserOperation on the endpoint's inbound. */
  void addUser(Endpoint endpoint, InboundUser user);

  /** AlterInbound with RemoveUserOperation. */
  void removeUser(String tag, String email);

  /**
   * QueryStats: counter name to value for counters matching {@code pattern} (substring, as the core
   * matches it). The daemon reads without reset (see docs/data-plane.md).
   */
  Map<String, Long> queryStats(String pattern, boolean reset);

  /**
   * GetSysStats' {@code Uptime}: seconds since the core process started, which tells a restarted
   * core from a lost connection. Empty when the core does not offer the call.
   */
  default OptionalLong uptimeSeconds() {
    return OptionalLong.empty();
  }

  @Override
  void close();
}
