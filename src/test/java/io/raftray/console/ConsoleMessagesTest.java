package io.raftray.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.raftray.model.Json;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every message file has exactly the English keys, and every key the scripts use exists. */
class ConsoleMessagesTest {
  static final List<String> SCRIPTS =
      List.of(
          "app.js",
          "ui.js",
          "api.js",
          "pages/overview.js",
          "pages/users.js",
          "pages/nodes.js",
          "pages/endpoints.js",
          "pages/groups.js",
          "pages/templates.js",
          "pages/admins.js",
          "pages/audit.js",
          "pages/settings.js",
          "chart.js");

  static String resource(String name) throws Exception {
    try (InputStream in =
        ConsoleMessagesTest.class.getClassLoader().getResourceAsStream("console/" + name)) {
      assertThat(in).as(name).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  static Set<String> keys(String lang) throws Exception {
    JsonNode n = Json.mapper().readTree(resource("i18n/" + lang + ".json"));
    Set<String> out = new TreeSet<>();
    n.fieldNames().forEachRemaining(out::add);
    List<String> empty = new ArrayList<>();
    n.fields()
        .forEachRemaining(
            e -> {
              if (e.getValue().asText().isBlank()) {
                empty.add(e.getKey());
              }
            });
    assertThat(empty).as(lang + " empty messages").isEmpty();
    return out;
  }

  @ParameterizedTest
  @ValueSource(strings = {"ru", "fa", "zh"})
  void messageFile_hasTheEnglishKeys(String lang) throws Exception {
    assertThat(keys(lang)).isEqualTo(keys("en"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"ru", "fa", "zh"})
  void messageFile_isTranslated(String lang) throws Exception {
    JsonNode en = Json.mapper().readTree(resource("i18n/en.json"));
    JsonNode other = Json.mapper().readTree(resource("i18n/" + lang + ".json"));
    int same = 0;
    for (String k : keys("en")) {
      if (en.get(k).asText().equals(other.get(k).asText())) {
        same++;
      }
    }
    // placeholders, protocol names and codes may stay as they are; the words may not
    assertThat(same).as(lang + " messages equal to English").isLessThan(keys("en").size() / 10);
  }

  @org.junit.jupiter.api.Test
  void everyKeyTheScriptsUse_exists() throws Exception {
    Set<String> en = keys("en");
    Pattern use = Pattern.compile("\\bt\\('([a-z_]+\\.[a-z_0-9]+)'(?!\\s*\\+)");
    List<String> missing = new ArrayList<>();
    for (String s : SCRIPTS) {
      Matcher m = use.matcher(resource(s));
      while (m.find()) {
        if (!en.contains(m.group(1))) {
          missing.add(s + ": " + m.group(1));
        }
      }
    }
    assertThat(missing).isEmpty();
  }
}
