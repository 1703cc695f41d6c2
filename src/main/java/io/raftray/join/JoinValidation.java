package io.raftray.join;

import com.fasterxml.jackson.databind.JsonNode;
import io.raftray.config.NodeConfigFile;
import io.raftray.model.ErrorKind;
import io.raftray.model.FieldError;
import io.raftray.model.RaftrayException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** Checks a join request body, reporting every problem at once (400 with {@code errors[]}). */
final class JoinValidation {
  static final Pattern NODE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
  static final Pattern TOKEN_ID = Pattern.compile("[A-Za-z0-9_]{1,64}");

  /** An HMAC-SHA256 (format-1 tokens, 43 characters) or an ECDSA P-256 signature (format 2). */
  static final Pattern PROOF = Pattern.compile("[A-Za-z0-9_-]{43,128}");

  static final Pattern HOST = Pattern.compile("[A-Za-z0-9.:\\[\\]-]{1,253}");
  static final Pattern FACT_KEY = Pattern.compile("[a-z0-9_.-]{1,64}");
  static final int MAX_FACTS = 32;
  static final int MAX_CSR = 16 * 1024;
  private static final Set<String> FIELDS =
      Set.of("token_id", "proof", "csr_pem", "node_name", "api_base_url", "access_host", "facts");

  private JoinValidation() {}

  static JoinWire.Request request(JsonNode body) {
    List<FieldError> errors = new ArrayList<>();
    for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!FIELDS.contains(f)) {
        errors.add(
            new FieldError(f.length() > 64 ? f.substring(0, 64) + "..." : f, "unknown field"));
      }
    }
    String tokenId =
        text(body, "token_id", TOKEN_ID, "must be the token id from the join token", errors);
    String proof =
        text(body, "proof", PROOF, "must be a base64url proof of the join token", errors);
    String csr = text(body, "csr_pem", null, "must be a PEM certificate request", errors);
    if (csr != null && csr.length() > MAX_CSR) {
      errors.add(new FieldError("csr_pem", "must be at most " + MAX_CSR + " characters"));
    }
    String name =
        text(
            body,
            "node_name",
            NODE_NAME,
            "must be 1-64 characters of letters, digits, '.', '_' or '-'",
            errors);
    String url = text(body, "api_base_url", null, "must be an https:// URL", errors);
    if (url != null) {
      String why =
          url.length() > 512 ? "must be at most 512 characters" : NodeConfigFile.checkBaseUrl(url);
      if (why != null) {
        errors.add(new FieldError("api_base_url", why));
      }
    }
    String host = text(body, "access_host", HOST, "must be a host name or IP address", errors);
    Map<String, String> facts = facts(body.get("facts"), errors);
    if (!errors.isEmpty()) {
      throw new RaftrayException(ErrorKind.INVALID, "invalid join request", errors);
    }
    return new JoinWire.Request(tokenId, proof, csr, name, url, host, facts);
  }

  private static String text(
      JsonNode body, String field, Pattern p, String rule, List<FieldError> errors) {
    JsonNode n = body.get(field);
    if (n == null || n.isNull()) {
      errors.add(new FieldError(field, "is required"));
      return null;
    }
    if (!n.isTextual() || (p != null && !p.matcher(n.textValue()).matches())) {
      errors.add(new FieldError(field, rule));
      return null;
    }
    return n.textValue();
  }

  private static Map<String, String> facts(JsonNode n, List<FieldError> errors) {
    Map<String, String> out = new LinkedHashMap<>();
    if (n == null || n.isNull()) {
      return out;
    }
    if (!n.isObject() || n.size() > MAX_FACTS) {
      errors.add(new FieldError("facts", "must be an object of at most " + MAX_FACTS + " strings"));
      return out;
    }
    for (Map.Entry<String, JsonNode> e : n.properties()) {
      String v = e.getValue().isTextual() ? e.getValue().textValue() : null;
      if (!FACT_KEY.matcher(e.getKey()).matches()) {
        errors.add(new FieldError("facts", "keys must be 1-64 of a-z, 0-9, '_', '.', '-'"));
      } else if (v == null || v.length() > 256 || v.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
        errors.add(
            new FieldError("facts." + e.getKey(), "must be a string of at most 256 characters"));
      } else {
        out.put(e.getKey(), v);
      }
    }
    return out;
  }
}
