package io.raftray.api;

import io.raftray.model.Endpoint;
import io.raftray.model.Enums;
import io.raftray.model.Group;
import io.raftray.model.Protocol;
import io.raftray.model.User;
import io.raftray.state.Access;
import io.raftray.state.State;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decision: a Marzban inbound is a Raftray group. Its tag is the value of the endpoint label {@link
 * #LABEL} the group's selector matches, when it has one (what {@code raftray import marzban} makes
 * for each Marzban inbound: a group {@code marzban-<tag>} selecting the endpoints labelled {@code
 * marzban_inbound=<tag>}, so the tag keeps its spaces), else the group's name. A tag given in a
 * request is looked up the same way, label first. The inbound's protocols are those of the
 * endpoints the group selects, plus the protocols its selector names; a group selecting nothing yet
 * is a known tag under no protocol. Built once per answer from one view.
 */
final class MarzbanInbounds {
  /** The endpoint label that ties endpoints to a Marzban inbound tag (the importer's). */
  static final String LABEL = io.raftray.migrate.MarzbanPlan.LABEL; // the importer labels by it

  /** Marzban's proxy type names, in its order. */
  static final List<Protocol> TYPES =
      List.of(Protocol.VMESS, Protocol.VLESS, Protocol.TROJAN, Protocol.SHADOWSOCKS);

  private final State view;
  private final Map<String, Group> byName = new HashMap<>();
  private final Map<String, Set<Protocol>> protocols = new HashMap<>();
  // The first endpoint (by id) of each group and protocol: what GET /api/inbounds describes.
  private final Map<String, Map<Protocol, Endpoint>> first = new HashMap<>();

  MarzbanInbounds(State view) {
    this.view = view;
    for (Group g : view.groups().values()) {
      byName.put(tag(g), g);
    }
    for (Group g : view.groups().values()) {
      byName.putIfAbsent(g.name(), g);
      Set<Protocol> p = EnumSet.noneOf(Protocol.class);
      if (g.selector() != null) {
        p.addAll(g.selector().protocols());
      }
      protocols.put(g.id(), p);
    }
    for (Endpoint e : view.endpoints().values()) {
      for (Group g : Access.groupsSelecting(view, e)) {
        protocols.get(g.id()).add(e.protocol());
        first
            .computeIfAbsent(g.id(), k -> new EnumMap<>(Protocol.class))
            .putIfAbsent(e.protocol(), e);
      }
    }
  }

  /** The Marzban tag of a group's inbound. */
  static String tag(Group g) {
    String label = g.selector() == null ? null : g.selector().endpointLabels().get(LABEL);
    return label != null ? label : g.name();
  }

  static String type(Protocol p) {
    return Enums.wire(p);
  }

  /** The group of an inbound tag, or null. */
  Group group(String tag) {
    return byName.get(tag);
  }

  /** The protocols of a group's inbound (empty: selects nothing yet). */
  Set<Protocol> protocols(Group g) {
    return protocols.getOrDefault(g.id(), Set.of());
  }

  /** The groups (inbounds) of a protocol, by name. */
  List<Group> of(Protocol p) {
    List<Group> out = new ArrayList<>();
    for (Group g : view.groups().values()) {
      if (protocols(g).contains(p)) {
        out.add(g);
      }
    }
    out.sort(java.util.Comparator.comparing(MarzbanInbounds::tag));
    return out;
  }

  /** The protocols the user's groups reach (may be empty). */
  Set<Protocol> reached(User u) {
    Set<Protocol> out = EnumSet.noneOf(Protocol.class);
    for (String id : u.groupIds()) {
      Group g = view.groups().get(id);
      if (g != null) {
        out.addAll(protocols(g));
      }
    }
    return out;
  }

  /** The user's proxy types: its groups' protocols; all four when its groups reach none. */
  Set<Protocol> types(User u) {
    Set<Protocol> out = reached(u);
    return out.isEmpty() ? EnumSet.copyOf(TYPES) : out;
  }

  /** {@code inbounds}: per proxy type of the user, its groups of that protocol (or of none). */
  Map<String, List<String>> inbounds(User u) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (Protocol p : types(u)) {
      List<String> tags = new ArrayList<>();
      for (String id : u.groupIds()) {
        Group g = view.groups().get(id);
        if (g != null && (protocols(g).contains(p) || protocols(g).isEmpty())) {
          tags.add(tag(g));
        }
      }
      out.put(type(p), tags);
    }
    return out;
  }

  /** {@code excluded_inbounds}: per proxy type of the user, that protocol's other inbounds. */
  Map<String, List<String>> excluded(User u) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (Protocol p : types(u)) {
      List<String> tags = new ArrayList<>();
      for (Group g : of(p)) {
        if (!u.inGroup(g.id())) {
          tags.add(tag(g));
        }
      }
      out.put(type(p), tags);
    }
    return out;
  }

  /** A setting ({@code flow}, {@code method}) of the first such endpoint of the user's groups. */
  String setting(User u, Protocol p, String key, String fallback) {
    for (String id : u.groupIds()) {
      Endpoint e = first.getOrDefault(id, Map.of()).get(p);
      if (e != null && e.settings().get(key) != null) {
        return e.settings().get(key).toString();
      }
    }
    return fallback;
  }

  /** {@code GET /api/inbounds}: per protocol, each inbound as its first endpoint describes it. */
  Map<String, List<Map<String, Object>>> listing() {
    Map<String, List<Map<String, Object>>> out = new LinkedHashMap<>();
    for (Protocol p : TYPES) {
      List<Map<String, Object>> list = new ArrayList<>();
      for (Group g : of(p)) {
        Endpoint e = first.getOrDefault(g.id(), Map.of()).get(p);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("tag", tag(g));
        m.put("protocol", type(p));
        m.put("network", e == null ? "tcp" : Enums.wire(e.transport()));
        m.put("tls", e == null ? "none" : Enums.wire(e.security()));
        m.put("port", e == null ? "" : (Object) e.port());
        list.add(m);
      }
      if (!list.isEmpty()) {
        out.put(type(p), list);
      }
    }
    return out;
  }
}
