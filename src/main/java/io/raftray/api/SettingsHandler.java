package io.raftray.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.raftray.api.Router.Access;
import io.raftray.model.ClusterSettings;
import io.raftray.model.Device;
import io.raftray.model.ErrorKind;
import io.raftray.model.PublicBases;
import io.raftray.model.RaftrayException;
import io.raftray.state.Command;
import io.raftray.state.State;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code /settings}: the replicated cluster-wide settings. GET for every role, PATCH (only the
 * fields given, merged at apply by {@code settings.update}) for admin and owner tokens: {@code
 * audit_retention}, {@code hwid_device_limit} (the default of users without their own; 0 =
 * unlimited), {@code hwid_required} (refuse subscription fetches without {@code x-hwid}), {@code
 * public_base_urls} (where users reach the fleet: {@link PublicBases}; {@code []} or null clears),
 * {@code marzban_compat_api} (the Marzban-compatible API at Marzban's paths: {@link MarzbanApi}).
 */
final class SettingsHandler {
  private static final Set<String> FIELDS =
      Set.of(
          "audit_retention",
          "hwid_device_limit",
          "hwid_required",
          "public_base_urls",
          "marzban_jwt_secret",
          "marzban_compat_api");

  void routes(Router r) {
    r.get("/settings", Access.READ, this::get);
    r.patch("/settings", Access.WRITE, this::patch);
  }

  private void get(Call c) {
    c.query();
    State s = c.read();
    c.reply(200, view(s.settings()), s);
  }

  static Map<String, Object> view(ClusterSettings s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("audit_retention", s.effectiveAuditRetention());
    m.put("hwid_device_limit", s.effectiveHwidDeviceLimit());
    m.put("hwid_required", s.effectiveHwidRequired());
    m.put("public_base_urls", s.effectivePublicBaseUrls());
    // Whether it is set, never the value.
    m.put("marzban_jwt_secret_set", s.marzbanJwtSecret() != null);
    m.put("marzban_compat_api", s.effectiveMarzbanCompatApi());
    return m;
  }

  private void patch(Call c) {
    ObjectNode body = c.body();
    Validator v = Validator.of(body, FIELDS);
    Long retention =
        v.integer(
            "audit_retention",
            false,
            ClusterSettings.MIN_AUDIT_RETENTION,
            ClusterSettings.MAX_AUDIT_RETENTION);
    Long limit = v.integer("hwid_device_limit", false, 0, Device.HARD_CAP);
    Boolean required = v.bool("hwid_required", false);
    List<String> urls = publicBaseUrls(v);
    boolean secretGiven = v.has("marzban_jwt_secret");
    String secret = marzbanSecret(v);
    Boolean marzban = v.bool("marzban_compat_api", false);
    v.throwIfInvalid();
    if (secretGiven && !c.principal().role().canManageTokens()) {
      throw new RaftrayException(
          ErrorKind.FORBIDDEN, "only owner tokens may set marzban_jwt_secret");
    }
    if (body.isEmpty()) {
      State s = c.current();
      c.reply(200, view(s.settings()), s);
      return;
    }
    State after = null;
    if (secretGiven) {
      // Its own owner-only command: the leader checks the role, the audit says only "set".
      after = c.submit(new Command.SetMarzbanSecret(secret));
      if (body.size() == 1) {
        c.reply(200, view(after.settings()), after);
        return;
      }
    }
    after =
        c.submit(
            new Command.UpdateSettings(
                retention == null ? null : retention.intValue(),
                limit == null ? null : limit.intValue(),
                required,
                urls,
                marzban));
    c.reply(200, view(after.settings()), after);
  }

  /** {@code marzban_jwt_secret}: its value, or null for null (clear) and when absent or invalid. */
  private static String marzbanSecret(Validator v) {
    JsonNode n = v.node().get("marzban_jwt_secret");
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isTextual() || !ClusterSettings.validMarzbanSecret(n.textValue())) {
      v.error(
          "marzban_jwt_secret",
          "must be 1-256 printable characters (Marzban's jwt.secret_key), or null");
      return null;
    }
    return n.textValue();
  }

  /**
   * {@code public_base_urls}: a list of at most {@link PublicBases#MAX_COUNT} distinct https URLs
   * (trailing {@code /} dropped); {@code []} or null clears it. Null when absent or invalid.
   */
  private static List<String> publicBaseUrls(Validator v) {
    JsonNode n = v.node().get("public_base_urls");
    if (n == null) {
      return null;
    }
    if (n.isNull()) {
      return List.of();
    }
    if (!n.isArray() || n.size() > PublicBases.MAX_COUNT) {
      v.error(
          "public_base_urls",
          "must be a list of at most " + PublicBases.MAX_COUNT + " URLs, or null");
      return null;
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n.size(); i++) {
      JsonNode e = n.get(i);
      String at = "public_base_urls[" + i + "]";
      String problem =
          e.isTextual() ? PublicBases.problem(e.textValue()).orElse(null) : PublicBases.RULE;
      if (problem != null) {
        v.error(at, problem);
        return null;
      }
      String url = PublicBases.trim(e.textValue());
      if (out.contains(url)) {
        v.error(at, "repeats " + url);
        return null;
      }
      out.add(url);
    }
    return out;
  }
}
