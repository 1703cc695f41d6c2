package io.raftray.cli.admin;

import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** Paging options of list verbs (a picocli mixin). */
final class ListOptions {
  @Option(
      names = "--limit",
      paramLabel = "N",
      description = "Items per page (server default 100, max 1000).")
  Integer limit;

  @Option(names = "--cursor", paramLabel = "CURSOR", description = "Continue from a next_cursor.")
  String cursor;

  @Option(names = "--all", description = "Follow next_cursor and print every item.")
  boolean all;

  /** The first page's query: filters as name/value pairs (null values skipped), limit, cursor. */
  Map<String, String> query(String... filters) {
    Map<String, String> query = new LinkedHashMap<>();
    for (int i = 0; i < filters.length; i += 2) {
      if (filters[i + 1] != null) {
        query.put(filters[i], filters[i + 1]);
      }
    }
    if (limit != null) {
      query.put("limit", limit.toString());
    }
    if (cursor != null) {
      query.put("cursor", cursor);
    }
    return query;
  }
}
