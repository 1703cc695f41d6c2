package io.raftray.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The order of public addresses and the one rule for them. */
@Timeout(10)
class PublicBasesTest {
  static final String API = "https://10.0.0.1:8443/";
  static final SubscriptionSettings LEGACY =
      new SubscriptionSettings(
          12, "{user}", "{node}", null, null, null, null, null, "https://old.example/");

  static ClusterSettings cluster(List<String> urls) {
    return new ClusterSettings(null, null, null, urls);
  }

  @Test
  void nothingSet_isTheApiBaseUrl() {
    assertThat(
            PublicBases.of(ClusterSettings.defaults(), SubscriptionSettings.defaults(), null, API))
        .containsExactly("https://10.0.0.1:8443");
  }

  @Test
  void legacyPublicUrl_onlyWhileNoClusterUrls() {
    assertThat(PublicBases.of(ClusterSettings.defaults(), LEGACY, null, API))
        .containsExactly("https://old.example");
    assertThat(PublicBases.of(cluster(List.of("https://cdn.example")), LEGACY, null, API))
        .containsExactly("https://cdn.example");
  }

  @Test
  void nodeOverride_first_thenClusterUrls_withoutDuplicates() {
    assertThat(
            PublicBases.of(
                cluster(List.of("https://cdn.example", "https://eu.example")),
                LEGACY,
                "https://eu.example/",
                API))
        .containsExactly("https://eu.example", "https://cdn.example");
    assertThat(PublicBases.of(ClusterSettings.defaults(), LEGACY, "https://eu.example", API))
        .containsExactly("https://eu.example");
  }

  @Test
  void urls_underEachBase() {
    assertThat(PublicBases.urls(List.of("https://a.example/x/", "https://b.example"), "t1"))
        .containsExactly("https://a.example/x/sub/t1", "https://b.example/sub/t1");
  }

  @Test
  void problem_acceptsHttpsWithPortAndPath_refusesTheRest() {
    assertThat(PublicBases.problem("https://sub.example.com:8443/vpn/")).isEmpty();
    for (String bad :
        List.of(
            "http://a.example",
            "https:///x",
            "https://a.example/?q=1",
            "https://a.example/#f",
            "https://u@a.example",
            "/sub",
            "https://a.example/" + "a".repeat(512),
            "https://a example")) {
      assertThat(PublicBases.problem(bad)).as(bad).contains(PublicBases.RULE);
    }
  }

  @Test
  void emptyClusterList_isStoredAsNone() {
    assertThat(cluster(List.of()).publicBaseUrls()).isNull();
    assertThat(cluster(List.of()).isDefault()).isTrue();
  }
}
