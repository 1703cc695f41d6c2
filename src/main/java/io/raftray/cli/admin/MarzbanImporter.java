package io.raftray.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.raftray.migrate.MarzbanPlan;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Sends a {@link MarzbanPlan} to a cluster through its API, creating only what is not there yet
 * (groups, templates and users by name, admins by username, the JWT secret while none is set), so a
 * second run creates nothing. Users go in {@code POST /users/batch} entries of {@code batchSize}
 * with {@code "import": true}. A dry run reads the cluster and writes nothing.
 */
final class MarzbanImporter {
  /** What happened (or would happen), per kind: created and already present. */
  record Counts(int created, int present) {}

  private final ApiClient api;
  private final ObjectMapper json;
  private final boolean dryRun;
  private final int batchSize;
  private final List<MarzbanPlan.Problem> problems = new ArrayList<>();
  private final Map<String, Counts> counts = new LinkedHashMap<>();
  private final List<String> notes = new ArrayList<>();

  MarzbanImporter(ApiClient api, ObjectMapper json, boolean dryRun, int batchSize) {
    this.api = api;
    this.json = json;
    this.dryRun = dryRun;
    this.batchSize = batchSize;
  }

  List<MarzbanPlan.Problem> problems() {
    return problems;
  }

  Map<String, Counts> counts() {
    return counts;
  }

  List<String> notes() {
    return notes;
  }

  /** Whether the run created (or, dry, would create) anything. */
  boolean changed() {
    return counts.values().stream().anyMatch(c -> c.created() > 0);
  }

  void run(MarzbanPlan plan) throws ApiException, TransportException {
    problems.addAll(plan.problems());
    notes.addAll(plan.notes());
    Map<String, String> groupIds = groups(plan);
    templates(plan, groupIds);
    users(plan, groupIds);
    admins(plan);
    secret(plan);
  }

  private Map<String, String> names(String path, String field)
      throws ApiException, TransportException {
    Map<String, String> out = new HashMap<>();
    for (JsonNode item : api.list(path, Map.of("limit", "1000"), true).path("items")) {
      out.put(item.path(field).asText(), item.path("id").asText());
    }
    return out;
  }

  private Map<String, String> groups(MarzbanPlan plan) throws ApiException, TransportException {
    Map<String, String> ids = names("groups", "name");
    int created = 0;
    int present = 0;
    for (MarzbanPlan.GroupSpec g : plan.groups()) {
      if (ids.containsKey(g.name())) {
        present++;
        continue;
      }
      created++;
      if (dryRun) {
        continue;
      }
      ObjectNode body = json.createObjectNode();
      body.put("name", g.name());
      body.put("description", "Marzban inbound " + g.tag());
      body.putObject("selector").putObject("endpoint_labels").put(MarzbanPlan.LABEL, g.tag());
      ids.put(g.name(), api.post("groups", body).path("id").asText());
    }
    counts.put("groups", new Counts(created, present));
    return ids;
  }

  private ArrayNode groupIds(List<String> names, Map<String, String> ids) {
    ArrayNode out = json.createArrayNode();
    for (String n : names) {
      String id = ids.get(n);
      if (id != null) {
        out.add(id);
      }
    }
    return out;
  }

  private void templates(MarzbanPlan plan, Map<String, String> groupIds)
      throws ApiException, TransportException {
    Map<String, String> have = names("user-templates", "name");
    int created = 0;
    int present = 0;
    for (MarzbanPlan.TemplateSpec t : plan.templates()) {
      if (have.containsKey(t.name())) {
        present++;
        continue;
      }
      created++;
      if (!dryRun) {
        ObjectNode body = t.body().deepCopy();
        body.set("group_ids", groupIds(t.groupNames(), groupIds));
        api.post("user-templates", body);
      }
    }
    counts.put("user templates", new Counts(created, present));
  }

  private void users(MarzbanPlan plan, Map<String, String> groupIds)
      throws ApiException, TransportException {
    Set<String> have = new HashSet<>(names("users", "name").keySet());
    List<MarzbanPlan.UserSpec> missing = new ArrayList<>();
    int present = 0;
    for (MarzbanPlan.UserSpec u : plan.users()) {
      if (have.contains(u.name())) {
        present++;
      } else {
        missing.add(u);
      }
    }
    counts.put("users", new Counts(missing.size(), present));
    if (dryRun) {
      return;
    }
    for (int from = 0; from < missing.size(); from += batchSize) {
      List<MarzbanPlan.UserSpec> chunk =
          missing.subList(from, Math.min(missing.size(), from + batchSize));
      ObjectNode body = json.createObjectNode();
      body.put("import", true);
      ArrayNode items = body.putArray("users");
      Map<String, String> wanted = new HashMap<>();
      for (MarzbanPlan.UserSpec u : chunk) {
        ObjectNode item = u.body().deepCopy();
        item.set("group_ids", groupIds(u.groupNames(), groupIds));
        items.add(item);
        wanted.put(u.name(), u.marzbanStatus());
      }
      JsonNode answer = api.post("users/batch", body);
      for (JsonNode created : answer.path("items")) {
        String name = created.path("name").asText();
        String was = wanted.get(name);
        String now = created.path("status").asText();
        if (was != null && !was.equals(now)) {
          problems.add(
              new MarzbanPlan.Problem(
                  "user '" + name + "'",
                  "status "
                      + was
                      + " in Marzban is "
                      + now
                      + " here (derived from its usage and expiry)"));
        }
      }
    }
  }

  private void admins(MarzbanPlan plan) throws ApiException, TransportException {
    if (plan.admins().isEmpty()) {
      counts.put("admins", new Counts(0, 0));
      return;
    }
    Map<String, String> have;
    try {
      have = names("admins", "username");
    } catch (ApiException e) {
      if (e.status() != 403) {
        throw e;
      }
      problems.add(
          new MarzbanPlan.Problem(
              "admins",
              plan.admins().size() + " admin(s) not imported: that needs an owner token"));
      return;
    }
    int created = 0;
    int present = 0;
    SecureRandom random = new SecureRandom();
    for (MarzbanPlan.AdminSpec a : plan.admins()) {
      if (have.containsKey(a.username())) {
        present++;
        continue;
      }
      created++;
      if (dryRun) {
        continue;
      }
      // A random password nobody learns: the account needs a reset (PATCH /admins/{id} password)
      // before anyone signs in with it. Marzban's bcrypt hashes are not carried over.
      byte[] raw = new byte[24];
      random.nextBytes(raw);
      ObjectNode body = json.createObjectNode();
      body.put("username", a.username());
      body.put("password", Base64.getUrlEncoder().withoutPadding().encodeToString(raw));
      body.put("role", a.role());
      body.put("password_reset_required", true);
      api.post("admins", body);
    }
    counts.put("admins", new Counts(created, present));
  }

  private void secret(MarzbanPlan plan) throws ApiException, TransportException {
    if (plan.jwtSecret() == null) {
      return;
    }
    boolean set = api.get(SettingsCommands.PATH).path("marzban_jwt_secret_set").asBoolean(false);
    if (set) {
      counts.put("marzban_jwt_secret", new Counts(0, 1));
      notes.add(
          "marzban_jwt_secret was already set and is kept (raftray settings set replaces it)");
      return;
    }
    counts.put("marzban_jwt_secret", new Counts(1, 0));
    if (!dryRun) {
      ObjectNode body = json.createObjectNode();
      body.put("marzban_jwt_secret", plan.jwtSecret());
      api.patch(SettingsCommands.PATH, body);
    }
  }
}
