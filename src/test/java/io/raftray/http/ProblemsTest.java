package io.raftray.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.raftray.model.ErrorKind;
import io.raftray.model.FieldError;
import io.raftray.model.Json;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ProblemsTest {

  @Test
  void status_everyKindHasItsOwnHttpStatusAndTitle() {
    Set<Integer> statuses = new TreeSet<>();
    for (ErrorKind k : ErrorKind.values()) {
      statuses.add(Problems.status(k));
      assertThat(Problems.title(k)).isNotBlank();
    }
    assertThat(statuses).containsExactly(400, 401, 403, 404, 405, 409, 413, 422, 429, 500, 503);
    assertThat(Problems.slug(ErrorKind.METHOD_NOT_ALLOWED)).isEqualTo("method-not-allowed");
  }

  @Test
  void rfc9457_namesTheKindAndListsFieldErrors() throws Exception {
    byte[] body =
        Problems.RFC_9457.body(
            ErrorKind.INVALID, "invalid request", List.of(new FieldError("name", "is required")));

    JsonNode n = Json.mapper().readTree(body);

    assertThat(n.path("type").asText()).isEqualTo("urn:raftray:problem:invalid");
    assertThat(n.path("title").asText()).isEqualTo("Bad Request");
    assertThat(n.path("status").asInt()).isEqualTo(400);
    assertThat(n.path("detail").asText()).isEqualTo("invalid request");
    assertThat(n.path("errors").get(0).path("field").asText()).isEqualTo("name");
    assertThat(Problems.RFC_9457.mediaType()).isEqualTo("application/problem+json");
  }

  @Test
  void rfc9457_withoutFieldErrors_hasNoErrorsMember() throws Exception {
    for (ErrorKind k : EnumSet.allOf(ErrorKind.class)) {
      JsonNode n = Json.mapper().readTree(Problems.RFC_9457.body(k, "x", List.of()));
      assertThat(n.has("errors")).isFalse();
      assertThat(n.path("status").asInt()).isEqualTo(Problems.status(k));
    }
  }

  @Test
  void plainText_isTheDetailAlone() {
    byte[] body = Problems.PLAIN_TEXT.body(ErrorKind.FORBIDDEN, "unknown node", List.of());

    assertThat(new String(body, StandardCharsets.UTF_8)).isEqualTo("unknown node");
    assertThat(Problems.PLAIN_TEXT.mediaType()).startsWith("text/plain");
  }
}
