package io.raftray.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashSet;
import java.util.Set;

/** User writes and reads through the admin API: the simplest replicated payload for scenarios. */
public final class Users {
  private Users() {}

  /** POST /api/v1/users; the answer as it came. */
  public static AdminClient.Response create(AdminClient c, String name) {
    return c.post("/api/v1/users", "{\"name\":\"" + name + "\"}");
  }

  /** All user names (up to 1000) after a Raft ReadIndex on that node. */
  public static Set<String> linearizable(AdminClient c) {
    return names(c.get("/api/v1/users?limit=1000&consistency=linearizable"));
  }

  /** All user names (up to 1000) from the node's local applied state. */
  public static Set<String> local(AdminClient c) {
    return names(c.get("/api/v1/users?limit=1000"));
  }

  private static Set<String> names(AdminClient.Response r) {
    if (r.status() != 200) {
      throw new IllegalStateException("listing users: " + r);
    }
    Set<String> out = new LinkedHashSet<>();
    for (JsonNode u : r.body().path("items")) {
      out.add(u.path("name").asText());
    }
    return out;
  }
}
