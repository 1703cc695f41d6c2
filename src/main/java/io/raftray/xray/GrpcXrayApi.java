package io.raftray.xray;

import com.google.protobuf.Message;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.raftray.model.Endpoint;
import io.raftray.xray.XrayApiException.Kind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/**
 * {@link XrayApi} over gRPC, plaintext to the core's API inbound on loopback. Every call has a
 * deadline. Failures become {@link XrayApiException}: unreachable or too slow → {@code
 * UNAVAILABLE}; the core's text saying "already exists" (or Xray's "existing tag found") → {@code
 * ALREADY_EXISTS}; "not found" (a user, or the inbound of an AlterInbound) and RemoveInbound of an
 * absent tag → {@code NOT_FOUND}; anything else → {@code REJECTED}. Credentials sent in the call
 * are cut out of the core's text before it goes into a message. Thread-safe.
 */
public final class GrpcXrayApi implements XrayApi {
  public static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(5);

  /**
   * Extra time an AddInbound gets per user it carries: a core parses and indexes every user before
   * it answers, and 10,000 users took over 5 s on a loaded 2-core machine, so a fixed deadline made
   * the reconciler resend the same call for ever (bench/README.md, groups.sh).
   */
  static final Duration DEADLINE_PER_USER = Duration.ofMillis(2);

  /** The most any AddInbound waits, whatever its size. */
  static final Duration MAX_ADD_INBOUND_DEADLINE = Duration.ofMinutes(2);

  /** What both cores answer (common.ErrNoClue) for RemoveInbound of a tag they do not have. */
  private static final String NO_CLUE = "not enough information for making a decision";

  private final InboundFactory factory;
  private final Dialect dialect;
  private final ManagedChannel channel;
  private final Duration deadline;
  private final String target;

  /** Inbounds on {@link InboundFactory#ANY}, {@link #DEFAULT_DEADLINE} per call. */
  public GrpcXrayApi(Flavor flavor, String host, int port) {
    this(flavor, host, port, InboundFactory.ANY, DEFAULT_DEADLINE);
  }

  /**
   * A client of the core API at {@code host:port}; added inbounds listen on {@code listen}. No
   * connection is made until the first call.
   */
  public GrpcXrayApi(Flavor flavor, String host, int port, String listen, Duration deadline) {
    this.factory = new InboundFactory(flavor, listen);
    this.dialect = factory.dialect();
    this.deadline = Objects.requireNonNull(deadline, "deadline");
    this.target = host + ":" + port;
    this.channel =
        Grpc.newChannelBuilderForAddress(host, port, InsecureChannelCredentials.create())
            .proxyDetector(address -> null) // loopback: never through a proxy
            .userAgent("raftray")
            .build();
  }

  @Override
  public Flavor flavor() {
    return factory.flavor();
  }

  /** The factory that builds this client's messages (same flavor and listen address). */
  public InboundFactory factory() {
    return factory;
  }

  @Override
  public void addInbound(Endpoint endpoint, List<InboundUser> users) {
    Message inbound = factory.inbound(endpoint, users);
    List<String> secrets = new ArrayList<>(credentials(users));
    secrets.add(InboundSpec.string(endpoint.settings(), "server_key"));
    call(
        "add inbound " + endpoint.tag(),
        secrets,
        false,
        () -> dialect.addInbound(channel, addInboundDeadline(deadline, users.size()), inbound));
  }

  /** The deadline of an AddInbound carrying {@code users} users. */
  static Duration addInboundDeadline(Duration base, int users) {
    Duration d = base.plus(DEADLINE_PER_USER.multipliedBy(users));
    return d.compareTo(MAX_ADD_INBOUND_DEADLINE) > 0 ? MAX_ADD_INBOUND_DEADLINE : d;
  }

  @Override
  public void removeInbound(String tag) {
    call(
        "remove inbound " + tag,
        List.of(),
        true,
        () -> dialect.removeInbound(channel, deadline, tag));
  }

  @Override
  public void addUser(Endpoint endpoint, InboundUser user) {
    Message op = factory.addUserOperation(endpoint, user);
    call(
        "add user " + user.email() + " to " + endpoint.tag(),
        List.of(user.credential()),
        false,
        () -> dialect.alterInbound(channel, deadline, endpoint.tag(), op));
  }

  @Override
  public void removeUser(String tag, String email) {
    Message op = factory.removeUserOperation(email);
    call(
        "remove user " + email + " from " + tag,
        List.of(),
        false,
        () -> dialect.alterInbound(channel, deadline, tag, op));
  }

  @Override
  public Map<String, Long> queryStats(String pattern, boolean reset) {
    return call(
        "query stats",
        List.of(),
        false,
        () -> dialect.queryStats(channel, deadline, pattern, reset));
  }

  /**
   * GetStats: one counter by its full name; {@code NOT_FOUND} when the core has no such counter.
   */
  public long getStats(String name, boolean reset) {
    return call(
        "get stat " + name,
        List.of(),
        false,
        () -> dialect.getStats(channel, deadline, name, reset));
  }

  /**
   * GetSysStats' uptime; empty when the core does not implement the call ({@code UNIMPLEMENTED}),
   * {@code UNAVAILABLE} like every call when it cannot be reached.
   */
  @Override
  public OptionalLong uptimeSeconds() {
    try {
      return OptionalLong.of(dialect.uptimeSeconds(channel, deadline));
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.UNIMPLEMENTED) {
        return OptionalLong.empty();
      }
      throw failure("get sys stats", e.getStatus(), List.of(), false);
    }
  }

  @Override
  public void close() {
    channel.shutdownNow();
    try {
      channel.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** {@code host:port} of the core's API. */
  public String target() {
    return target;
  }

  @Override
  public String toString() {
    return "GrpcXrayApi[" + flavor().wire() + " " + target + "]";
  }

  private interface Call<T> {
    T run();
  }

  private void call(String what, Collection<String> secrets, boolean removal, Runnable r) {
    call(
        what,
        secrets,
        removal,
        () -> {
          r.run();
          return null;
        });
  }

  private <T> T call(String what, Collection<String> secrets, boolean removal, Call<T> c) {
    try {
      return c.run();
    } catch (StatusRuntimeException e) {
      throw failure(what, e.getStatus(), secrets, removal);
    }
  }

  private XrayApiException failure(
      String what, Status status, Collection<String> secrets, boolean removal) {
    String text = redact(status.getDescription() == null ? "" : status.getDescription(), secrets);
    Kind kind = kind(status.getCode(), text, removal);
    String message =
        flavor().wire()
            + " core at "
            + target
            + ": "
            + what
            + ": "
            + status.getCode()
            + ": "
            + text;
    // The cause is not chained: its message is the core's unredacted text.
    return new XrayApiException(kind, message);
  }

  /** The one table from the core's answer to a {@link Kind}; {@code removal}: RemoveInbound. */
  static Kind kind(Status.Code code, String text, boolean removal) {
    String lower = text.toLowerCase(Locale.ROOT);
    if (code == Status.Code.UNAVAILABLE || code == Status.Code.DEADLINE_EXCEEDED) {
      return Kind.UNAVAILABLE;
    } else if (lower.contains("already exists") || lower.contains("existing tag found")) {
      return Kind.ALREADY_EXISTS;
    } else if (lower.contains("not found") || (removal && lower.contains(NO_CLUE))) {
      return Kind.NOT_FOUND;
    }
    return Kind.REJECTED;
  }

  private static List<String> credentials(List<InboundUser> users) {
    return users.stream().map(InboundUser::credential).toList();
  }

  static String redact(String text, Collection<String> secrets) {
    String out = text;
    for (String s : secrets) {
      if (s != null && !s.isEmpty()) {
        out = out.replace(s, "***");
      }
    }
    return out;
  }
}
