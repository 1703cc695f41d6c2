package io.raftray.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.raftray.api.ApiFixture.Resp;
import io.raftray.model.Role;
import io.raftray.state.Command;
import io.raftray.state.Result;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code GET /users?sort=}: every key in both directions, ties and missing values, cursor pages
 * that neither repeat nor skip a user, and bad input.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ApiUserSortTest {
  private ApiFixture f;
  private final Map<String, String> ids = new HashMap<>();
  private long seq;

  @BeforeEach
  void start() {
    f = ApiFixture.start();
  }

  @AfterEach
  void stop() {
    f.close();
  }

  /** Creates a user a second after the previous one (created_at follows creation order). */
  private String create(String name, String extra) {
    f.clock.advance(Duration.ofSeconds(1));
    Resp r = f.post("/api/v1/users", "{\"name\":\"" + name + "\"" + extra + "}");
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    String id = r.json().get("id").asText();
    ids.put(name, id);
    return id;
  }

  /** Traffic for the user (used_bytes grows by {@code bytes}, online_at becomes now). */
  private void traffic(String name, long bytes) {
    Result r =
        f.local.submit(
            f.ownerId,
            new Command.UsageReport(
                ApiFixture.NODE_ID,
                ++seq,
                List.of(new Command.UsageDelta(ids.get(name), bytes, 0)),
                true));
    assertThat(r.ok()).as(r.message()).isTrue();
  }

  private static List<String> names(Resp r) {
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    List<String> out = new ArrayList<>();
    r.json().get("items").forEach(u -> out.add(u.get("name").asText()));
    return out;
  }

  /** Every page of {@code query} with {@code limit}, concatenated; checks the cursor chain. */
  private List<String> allPages(String query, int limit) {
    List<String> seen = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      Resp r =
          f.get(
              "/api/v1/users?"
                  + query
                  + "&limit="
                  + limit
                  + (cursor == null ? "" : "&cursor=" + cursor));
      List<String> page = names(r);
      assertThat(page.size()).isLessThanOrEqualTo(limit);
      seen.addAll(page);
      JsonNode next = r.json().get("next_cursor");
      cursor = next.isNull() ? null : next.asText();
      if (cursor != null) {
        assertThat(page).hasSize(limit);
      }
      assertThat(++pages).as("pages").isLessThan(100);
    } while (cursor != null);
    return seen;
  }

  /** Five users whose keys each order them differently; see each test for the expected order. */
  private void fiveUsers() {
    create("carol", ",\"expire_at\":\"2031-03-01T00:00:00Z\"");
    create("Alice", "");
    create("eve", ",\"expire_at\":\"2031-01-01T00:00:00Z\"");
    create("bob", ",\"expire_at\":\"2031-02-01T00:00:00Z\"");
    create("dave", "");
    traffic("bob", 300);
    f.clock.advance(Duration.ofMinutes(1));
    traffic("eve", 100);
    f.clock.advance(Duration.ofMinutes(1));
    traffic("carol", 200);
  }

  @Test
  void sort_eachKey_bothDirections() {
    fiveUsers();
    assertThat(names(f.get("/api/v1/users?sort=name")))
        .containsExactly("Alice", "bob", "carol", "dave", "eve");
    assertThat(names(f.get("/api/v1/users?sort=-name")))
        .containsExactly("eve", "dave", "carol", "bob", "Alice");
    assertThat(names(f.get("/api/v1/users?sort=created_at")))
        .containsExactly("carol", "Alice", "eve", "bob", "dave");
    assertThat(names(f.get("/api/v1/users?sort=-created_at")))
        .containsExactly("dave", "bob", "eve", "Alice", "carol");
    // Alice and dave tie at 0 bytes: by id (creation order) in both directions
    assertThat(names(f.get("/api/v1/users?sort=used_bytes")))
        .containsExactly("Alice", "dave", "eve", "carol", "bob");
    assertThat(names(f.get("/api/v1/users?sort=-used_bytes")))
        .containsExactly("bob", "carol", "eve", "Alice", "dave");
    // never-expiring and never-online users come last in both directions
    assertThat(names(f.get("/api/v1/users?sort=expire_at")))
        .containsExactly("eve", "bob", "carol", "Alice", "dave");
    assertThat(names(f.get("/api/v1/users?sort=-expire_at")))
        .containsExactly("carol", "bob", "eve", "Alice", "dave");
    assertThat(names(f.get("/api/v1/users?sort=online_at")))
        .containsExactly("bob", "eve", "carol", "Alice", "dave");
    assertThat(names(f.get("/api/v1/users?sort=-online_at")))
        .containsExactly("carol", "eve", "bob", "Alice", "dave");
  }

  @Test
  void sort_withoutSort_staysInIdOrder() {
    fiveUsers();
    List<String> byId = new ArrayList<>(ids.keySet());
    byId.sort((a, b) -> ids.get(a).compareTo(ids.get(b)));
    assertThat(names(f.get("/api/v1/users"))).isEqualTo(byId);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "name",
        "-name",
        "created_at",
        "-created_at",
        "used_bytes",
        "-used_bytes",
        "expire_at",
        "-expire_at",
        "online_at",
        "-online_at"
      })
  void sort_pagesAcrossTies_neitherRepeatNorSkip(String sort) {
    // 11 users: many ties at 0 bytes, at one expiry and at no expiry / never online
    for (int i = 0; i < 11; i++) {
      create(
          "u" + (char) ('a' + (i * 7) % 11),
          i % 3 == 0 ? "" : ",\"expire_at\":\"2031-0" + (1 + i % 2) + "-01T00:00:00Z\"");
    }
    traffic("ua", 5);
    traffic("uh", 5);
    traffic("uc", 9);
    List<String> whole = names(f.get("/api/v1/users?sort=" + sort));
    assertThat(whole).hasSize(11).doesNotHaveDuplicates();
    for (int limit : new int[] {1, 2, 3, 5}) {
      assertThat(allPages("sort=" + sort, limit)).as("limit " + limit).isEqualTo(whole);
    }
  }

  @Test
  void sort_cursor_staysCorrectWhenTheLastUserChangesOrGoes() {
    fiveUsers();
    Resp first = f.get("/api/v1/users?sort=-used_bytes&limit=2");
    assertThat(names(first)).containsExactly("bob", "carol");
    String cursor = first.json().get("next_cursor").asText();
    // carol, the last of the page, is deleted; bob gets more traffic: the next page still starts
    // after carol's position
    assertThat(f.delete("/api/v1/users/" + ids.get("carol")).status()).isEqualTo(204);
    traffic("bob", 1000);
    assertThat(names(f.get("/api/v1/users?sort=-used_bytes&limit=2&cursor=" + cursor)))
        .containsExactly("eve", "Alice");
  }

  @Test
  void sort_combinesWithFilters() {
    fiveUsers();
    create("carl", ",\"status\":\"disabled\"");
    create("Carla", ",\"status\":\"disabled\",\"note\":\"friend of dave\"");
    traffic("carl", 50);
    assertThat(names(f.get("/api/v1/users?q=car&sort=-name")))
        .containsExactly("carol", "Carla", "carl");
    assertThat(names(f.get("/api/v1/users?status=disabled&sort=-used_bytes")))
        .containsExactly("carl", "Carla");
    assertThat(allPages("q=a&sort=name", 2))
        .containsExactly("Alice", "carl", "Carla", "carol", "dave");
    assertThat(allPages("q=a&status=active&sort=-created_at", 1))
        .containsExactly("dave", "Alice", "carol");
  }

  @Test
  void sort_unknownKey_400NamingSort_togetherWithOtherProblems() {
    fiveUsers();
    for (String bad : List.of("email", "--name", "NAME", "-", "id")) {
      Resp r = f.get("/api/v1/users?sort=" + bad);
      assertThat(r.status()).as(bad).isEqualTo(400);
      assertThat(r.header("Content-Type")).isEqualTo("application/problem+json");
      assertThat(r.json().get("errors").get(0).get("field").asText()).isEqualTo("sort");
      assertThat(r.json().get("errors").get(0).get("message").asText()).contains("used_bytes");
    }
    Resp both = f.get("/api/v1/users?sort=email&status=bogus");
    assertThat(both.status()).isEqualTo(400);
    List<String> fields = new ArrayList<>();
    both.json().get("errors").forEach(e -> fields.add(e.get("field").asText()));
    assertThat(fields).containsExactlyInAnyOrder("sort", "status");
  }

  @Test
  void sort_cursorOfAnotherSortOrGarbage_400NamingCursor() {
    fiveUsers();
    String byName = f.get("/api/v1/users?sort=name&limit=2").json().get("next_cursor").asText();
    String byId = f.get("/api/v1/users?limit=2").json().get("next_cursor").asText();
    for (String query :
        List.of(
            "sort=-name&cursor=" + byName,
            "sort=used_bytes&cursor=" + byName,
            "sort=name&cursor=" + byId,
            "sort=name&cursor=abc")) {
      Resp r = f.get("/api/v1/users?" + query);
      assertThat(r.status()).as(query).isEqualTo(400);
      assertThat(r.json().get("errors").get(0).get("field").asText()).isEqualTo("cursor");
    }
    assertThat(names(f.get("/api/v1/users?sort=name&cursor=" + byName)))
        .containsExactly("carol", "dave", "eve");
  }

  @Test
  void sort_viewer_mayReadSortedLists() {
    fiveUsers();
    String viewer = f.token(Role.VIEWER);
    Resp r = f.send("GET", "/api/v1/users?sort=-used_bytes&limit=1", viewer, null);
    assertThat(names(r)).containsExactly("bob");
  }
}
