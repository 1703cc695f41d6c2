package io.raftray.xray;

import io.raftray.model.Endpoint;
import io.raftray.xray.XrayApiException.Kind;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A core's HandlerService in memory, answering like V2Ray/Xray ("already exists", "not found"),
 * recording every call, and refusing on demand. Thread-safe: the reconciler calls it on its thread.
 */
final class FakeCore implements XrayApi {
  private final Flavor flavor;
  private final Map<String, Map<String, String>> inbounds = new LinkedHashMap<>();
  private final List<String> calls = new ArrayList<>();
  private final Map<String, Kind> refusedAdds = new HashMap<>();
  private Kind everyCall;
  private Kind removals;

  FakeCore(Flavor flavor) {
    this.flavor = flavor;
  }

  /** AddInbound of {@code tag} fails with {@code kind} (null: accepted again). */
  synchronized void refuseAdd(String tag, Kind kind) {
    if (kind == null) {
      refusedAdds.remove(tag);
    } else {
      refusedAdds.put(tag, kind);
    }
  }

  /** Every call fails with {@code kind} (null: answered again). */
  synchronized void failEveryCall(Kind kind) {
    everyCall = kind;
  }

  /** RemoveInbound of a present inbound fails with {@code kind}. */
  synchronized void refuseRemovals(Kind kind) {
    removals = kind;
  }

  /** Someone else removed the inbound. */
  synchronized void drop(String tag) {
    inbounds.remove(tag);
  }

  /** Inbounds and their users (email to credential), as the core holds them. */
  synchronized Map<String, Map<String, String>> inbounds() {
    Map<String, Map<String, String>> out = new LinkedHashMap<>();
    inbounds.forEach((tag, users) -> out.put(tag, Map.copyOf(users)));
    return out;
  }

  /** The calls since the last time, then forgets them. */
  synchronized List<String> takeCalls() {
    List<String> out = List.copyOf(calls);
    calls.clear();
    return out;
  }

  @Override
  public Flavor flavor() {
    return flavor;
  }

  @Override
  public synchronized void addInbound(Endpoint endpoint, List<InboundUser> users) {
    call("add inbound " + endpoint.tag() + " " + users.size());
    Kind refused = refusedAdds.get(endpoint.tag());
    if (refused != null) {
      throw new XrayApiException(refused, "refused " + endpoint.tag());
    }
    if (inbounds.containsKey(endpoint.tag())) {
      throw new XrayApiException(Kind.ALREADY_EXISTS, "existing tag found");
    }
    Map<String, String> m = new LinkedHashMap<>();
    users.forEach(u -> m.put(u.email(), u.credential()));
    inbounds.put(endpoint.tag(), m);
  }

  @Override
  public synchronized void removeInbound(String tag) {
    call("remove inbound " + tag);
    if (removals != null && inbounds.containsKey(tag)) {
      throw new XrayApiException(removals, "cannot remove " + tag);
    }
    if (inbounds.remove(tag) == null) {
      throw new XrayApiException(Kind.NOT_FOUND, "not enough information for making a decision");
    }
  }

  @Override
  public synchronized void addUser(Endpoint endpoint, InboundUser user) {
    call("add user " + user.email() + " to " + endpoint.tag());
    Map<String, String> users = inbounds.get(endpoint.tag());
    if (users == null) {
      throw new XrayApiException(Kind.NOT_FOUND, "handler not found: " + endpoint.tag());
    }
    if (users.putIfAbsent(user.email(), user.credential()) != null) {
      throw new XrayApiException(Kind.ALREADY_EXISTS, "User " + user.email() + " already exists.");
    }
  }

  @Override
  public synchronized void removeUser(String tag, String email) {
    call("remove user " + email + " from " + tag);
    Map<String, String> users = inbounds.get(tag);
    if (users == null || users.remove(email) == null) {
      throw new XrayApiException(Kind.NOT_FOUND, "User " + email + " not found.");
    }
  }

  @Override
  public Map<String, Long> queryStats(String pattern, boolean reset) {
    return Map.of();
  }

  @Override
  public void close() {}

  private void call(String what) {
    calls.add(what);
    if (everyCall != null) {
      throw new XrayApiException(everyCall, "core says " + everyCall);
    }
  }
}
