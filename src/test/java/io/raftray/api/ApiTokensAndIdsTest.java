package io.raftray.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.raftray.model.AdminToken;
import io.raftray.model.Ids;
import io.raftray.model.Role;
import io.raftray.state.Command;
import io.raftray.state.LocalReplica;
import io.raftray.state.State;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Unit tests of {@link Ids} and {@link AdminTokens}, no server. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ApiTokensAndIdsTest {
  private static final String CROCKFORD = "[0-9A-HJKMNP-TV-Z]";

  @Test
  void newId_isPrefixedCrockfordUlid_sortedByCreation() {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      ids.add(Ids.newId("usr"));
    }
    assertThat(ids).allMatch(id -> id.matches("usr_" + CROCKFORD + "{26}"));
    assertThat(ids).isSorted().doesNotHaveDuplicates();
    String early = Ids.newId("ep", 1_000L);
    String late = Ids.newId("ep", 2_000L);
    assertThat(early).isLessThan(late);
    assertThat(Ids.newId("ep", 0L)).startsWith("ep_0000000000");
    // 48-bit millis: the time part of the max value is 7ZZZZZZZZZ.
    assertThat(Ids.newId("ep", 0xFFFF_FFFF_FFFFL)).startsWith("ep_7ZZZZZZZZZ");
    assertThatThrownBy(() -> Ids.newId("Bad")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void secret_isBase64UrlWithoutPadding() {
    HashSet<String> seen = new HashSet<>();
    for (int i = 0; i < 100; i++) {
      String s = Ids.secret(32);
      assertThat(s).matches("[A-Za-z0-9_-]{43}");
      assertThat(Base64.getUrlDecoder().decode(s)).hasSize(32);
      seen.add(s);
    }
    assertThat(seen).hasSize(100);
  }

  @Test
  void adminTokens_issueAndAuthenticate() {
    Clock clock = Clock.fixed(Instant.parse("2030-05-01T10:00:00.123456Z"), ZoneOffset.UTC);
    AdminTokens.Issued owner = AdminTokens.issue("root", Role.OWNER, clock);
    AdminToken t = owner.token();
    assertThat(t.createdAt()).isEqualTo(Instant.parse("2030-05-01T10:00:00.123Z"));
    assertThat(owner.plaintext()).matches("rrt_tok_" + CROCKFORD + "{26}\\.[A-Za-z0-9_-]{43}");
    assertThat(t.secretHash()).matches("[0-9a-f]{64}");
    assertThat(owner.plaintext()).doesNotContain(t.secretHash());
    assertThat(owner.toString()).doesNotContain(owner.plaintext().substring(40));

    State s;
    try (ApiFixture f = ApiFixture.start()) {
      s = f.view();
    }
    LocalReplica r = new LocalReplica(clock, "n", s);
    r.submit("test", new Command.CreateAdminToken(t));
    State v = r.view();
    assertThat(AdminTokens.authenticate(v, owner.plaintext())).contains(t);
    String p = owner.plaintext();
    char last = p.charAt(p.length() - 1);
    String tampered = p.substring(0, p.length() - 1) + (last == 'A' ? 'E' : 'A');
    assertThat(AdminTokens.authenticate(v, tampered)).isEmpty();
    assertThat(AdminTokens.authenticate(v, p.replace("rrt_", "xxx_"))).isEmpty();
    assertThat(AdminTokens.authenticate(v, "rrt_" + t.id())).isEmpty();
    assertThat(AdminTokens.authenticate(v, null)).isEmpty();
    assertThat(AdminTokens.authenticate(v, p + "x".repeat(300))).isEmpty();

    AdminTokens.Issued second = AdminTokens.issue("root2", Role.OWNER, clock);
    r.submit("test", new Command.CreateAdminToken(second.token()));
    r.submit("test", new Command.RevokeAdminToken(t.id()));
    assertThat(AdminTokens.authenticate(r.view(), p)).isEmpty();
    assertThat(AdminTokens.authenticate(r.view(), second.plaintext())).isPresent();
  }
}
