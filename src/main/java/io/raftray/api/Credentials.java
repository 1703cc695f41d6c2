package io.raftray.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.raftray.model.Endpoint;
import io.raftray.model.Enums;
import io.raftray.model.Ids;
import io.raftray.model.UserCredentials;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Users' own credentials: generated here, before submission (a UUID per VLESS and VMess, 24 random
 * bytes for Trojan, a 32-byte key in standard base64 for Shadowsocks, which is itself a valid key
 * for the 32-byte 2022 ciphers and derives one for 16-byte ones), or read from a request (imports
 * keep their clients' credentials), and a given grant credential checked against its endpoint's
 * protocol.
 */
final class Credentials {
  static final Set<String> FIELDS =
      Set.of("vless_uuid", "vmess_uuid", "trojan_password", "shadowsocks_password");
  static final Pattern UUID_TEXT =
      Pattern.compile(
          "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
  static final String UUID_RULE = "must be a UUID (8-4-4-4-12 hexadecimal digits)";
  static final Pattern PASSWORD = Pattern.compile("[\\x21-\\x7e]{8,128}");
  static final String PASSWORD_RULE = "must be 8-128 printable ASCII characters without spaces";

  private Credentials() {}

  static UserCredentials generate() {
    return new UserCredentials(
        UUID.randomUUID().toString(),
        UUID.randomUUID().toString(),
        Ids.secret(24),
        Base64.getEncoder().encodeToString(Ids.randomBytes(32)));
  }

  /**
   * The {@code credentials} object of a request: given keys are validated and win, missing ones
   * come from {@code base} (the user's current credentials, or freshly generated ones). Null when
   * the field is absent or invalid (the error is on {@code v}).
   */
  static UserCredentials read(Validator v, String field, UserCredentials base) {
    if (!v.has(field)) {
      return null;
    }
    JsonNode n = v.node().get(field);
    if (n == null || !n.isObject()) {
      v.error(field, "must be an object with any of " + String.join(", ", sorted()));
      return null;
    }
    Validator c = v.object(field);
    c.rejectUnknown(FIELDS, "unknown field");
    String vless = c.matching("vless_uuid", false, UUID_TEXT, UUID_RULE);
    String vmess = c.matching("vmess_uuid", false, UUID_TEXT, UUID_RULE);
    String trojan = c.matching("trojan_password", false, PASSWORD, PASSWORD_RULE);
    String ss = c.matching("shadowsocks_password", false, PASSWORD, PASSWORD_RULE);
    UserCredentials b = base != null ? base : generate();
    return new UserCredentials(
        vless != null ? vless.toLowerCase(Locale.ROOT) : b.vlessUuid(),
        vmess != null ? vmess.toLowerCase(Locale.ROOT) : b.vmessUuid(),
        trojan != null ? trojan : b.trojanPassword(),
        ss != null ? ss : b.shadowsocksPassword());
  }

  /** Checks a credential given for a grant on {@code e}; reports on {@code v}. */
  static void checkGrantCredential(Validator v, String field, String credential, Endpoint e) {
    switch (e.protocol()) {
      case VLESS, VMESS -> {
        if (!UUID_TEXT.matcher(credential).matches()) {
          v.error(field, UUID_RULE + " for a " + Enums.wire(e.protocol()) + " endpoint");
        }
      }
      case TROJAN -> {
        if (!PASSWORD.matcher(credential).matches()) {
          v.error(field, PASSWORD_RULE);
        }
      }
      case SHADOWSOCKS -> {
        Object method = e.settings().get("method");
        int len = UserCredentials.ss2022KeyBytes(method == null ? "" : method.toString());
        if (len > 0) {
          byte[] raw = null;
          try {
            raw = Base64.getDecoder().decode(credential);
          } catch (IllegalArgumentException bad) {
            // reported below
          }
          if (raw == null || raw.length != len) {
            v.error(field, "must be standard base64 of " + len + " bytes for " + method);
          }
        } else if (!PASSWORD.matcher(credential).matches()) {
          v.error(field, PASSWORD_RULE);
        }
      }
    }
  }

  private static List<String> sorted() {
    return FIELDS.stream().sorted().toList();
  }
}
