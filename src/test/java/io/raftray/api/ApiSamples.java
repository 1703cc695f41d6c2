package io.raftray.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Real answers of the admin API for the OpenAPI checks: creates one of each main entity (user,
 * endpoint, grant, group, template, admin token, admin, join token) through the API, then reads
 * every one back and the cluster-wide reads. Works over any client (the in-process {@link
 * ApiFixture} or a real daemon over HTTPS), so the same samples check both.
 */
final class ApiSamples {
  /** Sends one request with the owner's credential; the body is JSON text or null. */
  interface Client {
    Answer send(String method, String path, String json);
  }

  record Answer(int status, JsonNode body) {}

  /** One answer: the route it came from (method and router template), its status and body. */
  record Sample(String method, String template, String path, int status, JsonNode body) {
    String route() {
      return method + " " + template;
    }
  }

  private final Client client;
  private final List<Sample> samples = new ArrayList<>();

  private ApiSamples(Client client) {
    this.client = client;
  }

  /** Creates the entities and collects the answers; fails when a request does not succeed. */
  static List<Sample> collect(Client client, String nodeId) {
    ApiSamples s = new ApiSamples(client);
    s.run(nodeId);
    return List.copyOf(s.samples);
  }

  private void run(String nodeId) {
    String group =
        id(call("POST", "/groups", "/groups", "{\"name\":\"eu\",\"description\":\"d\"}"));
    String template =
        id(
            call(
                "POST",
                "/user-templates",
                "/user-templates",
                "{\"name\":\"basic\",\"data_limit_bytes\":1000,\"group_ids\":[\""
                    + group
                    + "\"]}"));
    String user =
        id(
            call(
                "POST",
                "/users",
                "/users",
                "{\"name\":\"alice\",\"note\":\"n\",\"template_id\":\"" + template + "\"}"));
    String endpoint =
        id(
            call(
                "POST",
                "/endpoints",
                "/endpoints",
                "{\"protocol\":\"vless\",\"port\":443,\"security\":\"reality\",\"labels\":{\"k\":\"v\"},"
                    + "\"settings\":{\"server_names\":[\"a.example\"],\"dest\":\"a.example:443\"}}"));
    String grant =
        id(
            call(
                "POST",
                "/grants",
                "/grants",
                "{\"user_id\":\"" + user + "\",\"endpoint_id\":\"" + endpoint + "\"}"));
    String token =
        id(call("POST", "/admin-tokens", "/admin-tokens", "{\"name\":\"ci\",\"role\":\"viewer\"}"));
    String admin =
        id(
            call(
                "POST",
                "/admins",
                "/admins",
                "{\"username\":\"carol\",\"password\":\"correct horse battery\",\"role\":\"admin\"}"));
    String join = id(call("POST", "/join-tokens", "/join-tokens", "{}"));
    String webhook =
        id(
            call(
                "POST",
                "/webhooks",
                "/webhooks",
                "{\"url\":\"https://hooks.example/in\",\"events\":[\"user.created\"]}"));
    call(
        "POST",
        "/auth/login",
        "/auth/login",
        "{\"username\":\"carol\",\"password\":\"correct horse battery\"}");
    call("PATCH", "/users/{id}", "/users/" + user, "{\"note\":\"changed\"}");
    call(
        "POST",
        "/users/bulk",
        "/users/bulk",
        "{\"action\":\"extend\",\"ids\":[\"" + user + "\"],\"seconds\":60,\"dry_run\":true}");
    call("POST", "/users/batch", "/users/batch", "{\"users\":[{\"name\":\"bob\"}]}");
    for (String action :
        new String[] {"reset-usage", "rotate-subscription", "rotate-credentials"}) {
      call("POST", "/users/{id}/" + action, "/users/" + user + "/" + action, null);
    }
    call("PATCH", "/endpoints/{id}", "/endpoints/" + endpoint, "{\"labels\":{\"k\":\"w\"}}");
    call("PATCH", "/grants/{id}", "/grants/" + grant, "{\"enabled\":true}");
    call("PATCH", "/groups/{id}", "/groups/" + group, "{\"description\":\"e\"}");
    call("PATCH", "/user-templates/{id}", "/user-templates/" + template, "{\"note\":\"t\"}");
    call("PATCH", "/admins/{id}", "/admins/" + admin, "{\"disabled\":false}");
    call("PATCH", "/nodes/{id}", "/nodes/" + nodeId, "{\"labels\":{\"region\":\"eu\"}}");
    call("PATCH", "/settings", "/settings", "{\"hwid_device_limit\":3}");
    call("PATCH", "/webhooks/{id}", "/webhooks/" + webhook, "{\"enabled\":true}");
    call("PATCH", "/webhooks/settings", "/webhooks/settings", "{\"expiring_days\":5}");
    call(
        "PATCH",
        "/subscription-settings",
        "/subscription-settings",
        "{\"update_interval_hours\":6}");
    call(
        "PUT",
        "/subscription-settings",
        "/subscription-settings",
        "{\"update_interval_hours\":12}");
    for (String[] r :
        new String[][] {
          {"/users", "/users"},
          {"/users/{id}", "/users/" + user},
          {"/users/{id}/access", "/users/" + user + "/access"},
          {"/users/{id}/devices", "/users/" + user + "/devices"},
          {"/endpoints", "/endpoints"},
          {"/endpoints/{id}", "/endpoints/" + endpoint},
          {"/grants", "/grants"},
          {"/grants/{id}", "/grants/" + grant},
          {"/groups", "/groups"},
          {"/groups/{id}", "/groups/" + group},
          {"/user-templates", "/user-templates"},
          {"/user-templates/{id}", "/user-templates/" + template},
          {"/admin-tokens", "/admin-tokens"},
          {"/admin-tokens/{id}", "/admin-tokens/" + token},
          {"/admins", "/admins"},
          {"/admins/{id}", "/admins/" + admin},
          {"/join-tokens", "/join-tokens"},
          {"/join-tokens/{id}", "/join-tokens/" + join},
          {"/join-requests", "/join-requests"},
          {"/nodes", "/nodes"},
          {"/nodes/{id}", "/nodes/" + nodeId},
          {"/cluster", "/cluster"},
          {"/audit", "/audit"},
          {"/settings", "/settings"},
          {"/subscription-settings", "/subscription-settings"},
          {"/stats/users", "/stats/users"},
          {"/stats/usage", "/stats/usage"},
          {"/webhooks", "/webhooks"},
          {"/webhooks/{id}", "/webhooks/" + webhook},
          {"/webhooks/{id}/deliveries", "/webhooks/" + webhook + "/deliveries"},
          {"/webhooks/settings", "/webhooks/settings"},
        }) {
      call("GET", r[0], r[1], null);
    }
  }

  /**
   * Every GET of {@code samples} again through another client (a viewer token: the redacted answers
   * must fit the same schemas).
   */
  static List<Sample> reread(List<Sample> samples, Client other) {
    List<Sample> out = new ArrayList<>();
    for (Sample s : samples) {
      if (s.method().equals("GET")) {
        Answer a = other.send("GET", "/api/v1" + s.path(), null);
        out.add(new Sample("GET", s.template(), s.path(), a.status(), a.body()));
      }
    }
    return out;
  }

  private JsonNode call(String method, String template, String path, String json) {
    Answer a = client.send(method, "/api/v1" + path, json);
    if (a.status() / 100 != 2) {
      throw new AssertionError(method + " " + path + " answered " + a.status() + ": " + a.body());
    }
    samples.add(new Sample(method, template, path, a.status(), a.body()));
    return a.body();
  }

  private static String id(JsonNode created) {
    JsonNode id = created.get("id");
    if (id == null) {
      throw new AssertionError("no id in " + created);
    }
    return id.asText();
  }
}
