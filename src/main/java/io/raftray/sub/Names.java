package io.raftray.sub;

import java.util.Set;

/** Names that must be unique within one document: remarks, Clash groups, sing-box tags. */
final class Names {
  private Names() {}

  /**
   * {@code name}, or {@code name 2}, {@code name 3}... whichever is not in {@code taken} first; the
   * result is added to {@code taken}.
   */
  static String unique(String name, Set<String> taken) {
    String n = name;
    for (int i = 2; !taken.add(n); i++) {
      n = name + " " + i;
    }
    return n;
  }
}
