package io.raftray.xray;

import com.google.protobuf.Message;
import io.grpc.Channel;
import java.time.Duration;
import java.util.Map;

/**
 * What differs between the flavors: message layouts (field numbers, type names) and the generated
 * stubs. One implementation per {@link Flavor}; both encode the same {@link InboundSpec}.
 */
interface Dialect {

  Flavor flavor();

  /** The flavor's {@code InboundHandlerConfig} for {@code spec}. */
  Message inbound(InboundSpec spec);

  /** The flavor's {@code TypedMessage} holding the user's account. */
  Message account(InboundSpec.Proxy proxy, InboundUser user);

  /** The flavor's {@code TypedMessage} holding an {@code AddUserOperation}. */
  Message addUserOperation(InboundSpec.Proxy proxy, InboundUser user);

  /** The flavor's {@code TypedMessage} holding a {@code RemoveUserOperation}. */
  Message removeUserOperation(String email);

  void addInbound(Channel channel, Duration deadline, Message inbound);

  void removeInbound(Channel channel, Duration deadline, String tag);

  void alterInbound(Channel channel, Duration deadline, String tag, Message operation);

  Map<String, Long> queryStats(Channel channel, Duration deadline, String pattern, boolean reset);

  long getStats(Channel channel, Duration deadline, String name, boolean reset);

  /** GetSysStats' {@code Uptime}: seconds since the core process started. */
  long uptimeSeconds(Channel channel, Duration deadline);

  static Dialect of(Flavor flavor) {
    return switch (flavor) {
      case V2RAY -> new V2RayDialect();
      case XRAY -> new XrayDialect();
    };
  }
}
