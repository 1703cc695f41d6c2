package io.raftray.telegram;

import io.raftray.model.Enums;
import io.raftray.model.Node;
import io.raftray.model.NodeStatus;
import io.raftray.model.User;
import io.raftray.model.UserStatus;
import io.raftray.model.XrayReport;
import io.raftray.state.Replica;
import io.raftray.state.State;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The read-only bot commands for admins, answered from the local applied state (the same on every
 * node) and this node's Raft status: {@code /status}, {@code /user NAME}, {@code /node NAME}, and
 * {@code /help} (also for {@code /start} and anything unknown). Nothing here writes, and no answer
 * holds a credential, a subscription token or a key.
 */
public final class AdminCommands {
  static final String HELP =
      """
      Raftray bot, read only:
      /status - the cluster at a glance
      /user NAME - one user
      /node NAME - one node""";

  private AdminCommands() {}

  /** The answer to {@code text}; empty for a message that is not a command (no answer at all). */
  public static Optional<String> answer(String text, State s, Replica.RaftStatus raft) {
    String t = text == null ? "" : text.strip();
    if (!t.startsWith("/")) {
      return Optional.empty();
    }
    String[] parts = t.split("\\s+", 2);
    // "/status@my_bot" in groups: the bot's name after '@' is not part of the command.
    String cmd = parts[0].toLowerCase(Locale.ROOT).replaceFirst("@.*$", "");
    String arg = parts.length > 1 ? parts[1].strip() : "";
    return Optional.of(
        switch (cmd) {
          case "/status" -> status(s, raft);
          case "/user" -> arg.isEmpty() ? "Usage: /user NAME" : user(s, arg);
          case "/node" -> arg.isEmpty() ? "Usage: /node NAME" : node(s, arg);
          default -> HELP;
        });
  }

  static String status(State s, Replica.RaftStatus raft) {
    Map<UserStatus, Integer> byStatus = new EnumMap<>(UserStatus.class);
    for (User u : s.users().values()) {
      byStatus.merge(u.status(), 1, Integer::sum);
    }
    long members =
        s.nodes().values().stream().filter(n -> n.status() != NodeStatus.REMOVED).count();
    long coresUp =
        s.xrayReports().entrySet().stream()
            .filter(e -> isMember(s, e.getKey()) && "running".equals(e.getValue().status()))
            .count();
    String leader = raft.leaderId().map(id -> nodeName(s, id)).orElse("none (no quorum?)");
    StringBuilder b = new StringBuilder("Cluster ").append(s.clusterId());
    b.append("\nleader: ").append(leader).append(", term ").append(raft.term());
    b.append("\nnodes: ").append(members).append(", raft voters ").append(raft.memberIds().size());
    b.append("\ncores running: ").append(coresUp).append(" of ").append(members);
    b.append("\nusers: ").append(s.users().size());
    if (!byStatus.isEmpty()) {
      b.append(" (")
          .append(
              byStatus.entrySet().stream()
                  .map(e -> Enums.wire(e.getKey()) + " " + e.getValue())
                  .collect(Collectors.joining(", ")))
          .append(")");
    }
    b.append("\napplied index: ").append(s.appliedIndex());
    return b.toString();
  }

  static String user(State s, String name) {
    String id = s.userIdByName().get(name);
    User u = id == null ? null : s.users().get(id);
    if (u == null) {
      return "No user named " + name;
    }
    StringBuilder b = new StringBuilder("User ").append(u.name());
    b.append("\nstatus: ").append(Enums.wire(u.status()));
    b.append("\ntraffic: ")
        .append(TelegramText.bytes(u.usedBytes()))
        .append(
            u.dataLimitBytes() > 0
                ? " of " + TelegramText.bytes(u.dataLimitBytes())
                : " (no limit)");
    b.append("\nlifetime: ").append(TelegramText.bytes(u.lifetimeUsedBytes()));
    b.append("\nexpires: ").append(u.expireAt() == null ? "never" : u.expireAt().toString());
    if (u.onlineAt() != null) {
      b.append("\nlast online: ").append(u.onlineAt());
    }
    if (!u.groupIds().isEmpty()) {
      b.append("\ngroups: ")
          .append(
              u.groupIds().stream()
                  .map(g -> s.groups().containsKey(g) ? s.groups().get(g).name() : g)
                  .collect(Collectors.joining(", ")));
    }
    if (u.note() != null && !u.note().isEmpty()) {
      b.append("\nnote: ").append(u.note());
    }
    return b.toString();
  }

  static String node(State s, String name) {
    Node n =
        s.nodes().values().stream()
            .filter(x -> x.name().equals(name) || x.id().equals(name))
            .findFirst()
            .orElse(null);
    if (n == null) {
      return "No node named " + name;
    }
    StringBuilder b = new StringBuilder("Node ").append(n.name());
    b.append("\nid: ").append(n.id());
    b.append("\nstatus: ").append(Enums.wire(n.status())).append(", ").append(Enums.wire(n.role()));
    b.append("\naddress: ").append(n.accessHost());
    XrayReport x = s.xrayReports().get(n.id());
    if (x != null) {
      b.append("\ncore: ").append(x.status());
      if (x.flavor() != null) {
        b.append(" (")
            .append(x.flavor())
            .append(x.version() == null ? "" : " " + x.version())
            .append(")");
      }
      if (x.detail() != null && !x.detail().isEmpty()) {
        b.append("\ncore detail: ").append(x.detail());
      }
    }
    if (n.certNotAfter() != null) {
      b.append("\ncertificate until: ").append(n.certNotAfter());
    }
    if (!n.labels().isEmpty()) {
      b.append("\nlabels: ")
          .append(
              n.labels().entrySet().stream()
                  .map(e -> e.getKey() + "=" + e.getValue())
                  .collect(Collectors.joining(", ")));
    }
    return b.toString();
  }

  private static boolean isMember(State s, String nodeId) {
    Node n = s.nodes().get(nodeId);
    return n != null && n.status() != NodeStatus.REMOVED;
  }

  private static String nodeName(State s, String nodeId) {
    Node n = s.nodes().get(nodeId);
    return n == null ? nodeId : n.name();
  }
}
