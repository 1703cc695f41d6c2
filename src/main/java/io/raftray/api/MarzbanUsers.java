package io.raftray.api;

import io.raftray.api.Router.Access;
import io.raftray.model.ErrorKind;
import io.raftray.model.Group;
import io.raftray.model.Ids;
import io.raftray.model.Protocol;
import io.raftray.model.RaftrayException;
import io.raftray.model.ResetStrategy;
import io.raftray.model.User;
import io.raftray.model.UserCredentials;
import io.raftray.model.UserStatus;
import io.raftray.state.Command;
import io.raftray.state.State;
import io.raftray.state.UpdateUserBuilder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Marzban's user routes ({@code /api/user...}) on Raftray users: each write is one {@code /api/v1}
 * command ({@code user.create}, {@code user.update}, {@code user.delete}, {@code user.reset_usage};
 * {@code revoke_sub} is {@code user.rotate_subscription} then {@code user.rotate_credentials}, as
 * Marzban renews the link and every proxy secret), so the rules, the audit and the leader's checks
 * are those of the v1 routes. A Marzban {@code proxies} entry sets that protocol's credential of
 * the user; {@code inbounds} tags are groups ({@link MarzbanInbounds}).
 */
final class MarzbanUsers {
  private final Deps deps;

  MarzbanUsers(Deps deps) {
    this.deps = deps;
  }

  void routes(Router r) {
    r.post("/user", Access.WRITE, this::create);
    r.get("/user/{username}", Access.READ, this::get);
    r.put("/user/{username}", Access.WRITE, this::modify);
    r.delete("/user/{username}", Access.WRITE, this::delete);
    r.post("/user/{username}/reset", Access.WRITE, this::reset);
    r.post("/user/{username}/revoke_sub", Access.WRITE, this::revoke);
    r.get(
        "/user/{username}/usage",
        Access.READ,
        c -> MarzbanUsage.answer(c, view(c), find(view(c), c)));
    r.get("/users", Access.READ, c -> MarzbanList.answer(c, deps));
  }

  static User find(State s, Call c) {
    String id = s.userIdByName().get(c.param("username"));
    User u = id == null ? null : s.users().get(id);
    if (u == null) {
      throw new RaftrayException(ErrorKind.NOT_FOUND, "User not found");
    }
    return u;
  }

  /** Answers the user as Marzban's {@code UserResponse}, read from {@code view}. */
  private void reply(Call c, State view, String userId) {
    User u = view.users().get(userId);
    c.reply(
        200,
        MarzbanViews.user(u, view, new MarzbanInbounds(view), deps.settings(), c.secretsVisible()),
        view);
  }

  /** The local view: Marzban's query parameters are not /api/v1's, so never {@code c.read()}. */
  static State view(Call c) {
    return c.deps().replica().view();
  }

  private void get(Call c) {
    State s = view(c);
    reply(c, s, find(s, c).id());
  }

  private void create(Call c) {
    MarzbanInput.Body b = MarzbanInput.create(MarzbanInput.object(c));
    State view = c.current();
    MarzbanInbounds in = new MarzbanInbounds(view);
    List<String> groups = groups(in, List.of(), Set.of(), b);
    if (view.userIdByName().containsKey(b.username())) {
      throw new RaftrayException(ErrorKind.CONFLICT, "User already exists");
    }
    Instant now = c.now();
    User u =
        User.builder()
            .id(Ids.newId("usr", now.toEpochMilli()))
            .name(b.username())
            .note(b.note() == null ? "" : b.note())
            .status(b.status() == null ? UserStatus.ACTIVE : b.status())
            .dataLimitBytes(b.dataLimit() == null ? 0 : b.dataLimit())
            .expireAt(b.status() == UserStatus.ON_HOLD ? null : b.expireAt())
            .resetStrategy(b.reset() == null ? ResetStrategy.NO_RESET : b.reset())
            .subscriptionToken(Ids.secret(24))
            .created(now)
            .onHoldExpireSeconds(b.onHoldExpire() == null ? 0L : b.onHoldExpire())
            .credentials(credentials(Credentials.generate(), b.proxies()))
            .groupIds(groups)
            .build();
    State after = c.submit(new Command.CreateUser(u));
    reply(c, after, u.id());
  }

  private void modify(Call c) {
    MarzbanInput.Body b = MarzbanInput.modify(MarzbanInput.object(c));
    State view = c.current();
    User u = find(view, c);
    MarzbanInbounds in = new MarzbanInbounds(view);
    List<String> groups = groups(in, u.groupIds(), in.reached(u), b);
    UpdateUserBuilder update =
        Command.UpdateUser.of(u.id())
            .note(b.note())
            .status(b.status())
            .dataLimitBytes(b.dataLimit())
            .resetStrategy(b.reset())
            .onHoldExpireSeconds(b.onHoldExpire());
    if (!groups.equals(u.groupIds())) {
      update.groupIds(groups);
    }
    if (!b.proxies().isEmpty() || u.credentials() == null) {
      UserCredentials base = u.credentials() == null ? Credentials.generate() : u.credentials();
      update.credentials(credentials(base, b.proxies()));
    }
    if (b.expire() != null) {
      update.expireAt(b.expireAt());
    }
    State after = c.submit(update.build());
    reply(c, after, u.id());
  }

  private void delete(Call c) {
    User u = find(c.current(), c);
    State after = c.submit(new Command.DeleteUser(u.id()));
    c.reply(200, Map.of("detail", "User successfully deleted"), after);
  }

  private void reset(Call c) {
    User u = find(c.current(), c);
    reply(c, c.submit(new Command.ResetUsage(u.id())), u.id());
  }

  private void revoke(Call c) {
    User u = find(c.current(), c);
    c.submit(new Command.RotateSubscription(u.id(), Ids.secret(24)));
    reply(c, c.submit(new Command.RotateCredentials(u.id(), Credentials.generate())), u.id());
  }

  /**
   * The user's credentials with the given proxy secrets: a given one wins, an entry without one
   * gets a new random secret (Marzban's default for an absent id or password).
   */
  private static UserCredentials credentials(UserCredentials base, Map<Protocol, String> proxies) {
    UserCredentials fresh = Credentials.generate();
    String vless = base.vlessUuid();
    String vmess = base.vmessUuid();
    String trojan = base.trojanPassword();
    String ss = base.shadowsocksPassword();
    for (Map.Entry<Protocol, String> e : proxies.entrySet()) {
      String given = e.getValue();
      switch (e.getKey()) {
        case VLESS -> vless = given != null ? given : fresh.vlessUuid();
        case VMESS -> vmess = given != null ? given : fresh.vmessUuid();
        case TROJAN -> trojan = given != null ? given : fresh.trojanPassword();
        case SHADOWSOCKS -> ss = given != null ? given : fresh.shadowsocksPassword();
      }
    }
    return new UserCredentials(vless, vmess, trojan, ss);
  }

  /**
   * The user's groups after {@code b}: for each type in {@code inbounds}, that protocol's groups
   * replaced by the named ones (an unknown tag: 422); a type new in {@code proxies} without
   * inbounds gets every inbound of its protocol, as in Marzban. On create ({@code current} empty)
   * only the types of {@code proxies} count.
   */
  private static List<String> groups(
      MarzbanInbounds in, List<String> current, Set<Protocol> reached, MarzbanInput.Body b) {
    Set<String> out = new TreeSet<>(current);
    Map<Protocol, List<String>> inbounds = b.inbounds() == null ? Map.of() : b.inbounds();
    boolean create = b.username() != null;
    for (Map.Entry<Protocol, List<String>> e : inbounds.entrySet()) {
      if (create && !b.proxies().containsKey(e.getKey())) {
        continue; // Marzban drops inbounds of protocols the new user has no proxy for
      }
      List<String> named = new ArrayList<>();
      for (String tag : e.getValue()) {
        Group g = in.group(tag);
        if (g == null) {
          throw MarzbanInput.unknownInbound(tag);
        }
        named.add(g.id());
      }
      if (create && named.isEmpty()) {
        in.of(e.getKey()).forEach(g -> out.add(g.id()));
        continue;
      }
      for (Group g : in.of(e.getKey())) {
        out.remove(g.id());
      }
      out.addAll(named);
    }
    for (Protocol p : b.proxies().keySet()) {
      if (!inbounds.containsKey(p) && !reached.contains(p)) {
        in.of(p).forEach(g -> out.add(g.id()));
      }
    }
    return List.copyOf(out);
  }
}
