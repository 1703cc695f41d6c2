package io.raftray.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftray.model.Grant;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.ratis.util.MD5FileUtil;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The upgrade to per-user credentials and groups (issue 11) keeps old data: a snapshot and a log
 * written by the code right before it are committed under {@code src/test/resources/fixtures/v2}
 * and must load, re-encode to the same bytes, replay to the recorded state and keep every grant's
 * own credential.
 *
 * <p>The fixture was produced by this class at the commit that added it (main 8a2c41b plus this
 * test, before any model change) with {@code ./mvnw test -Dtest=StateFormatV2Test
 * -Draftray.regenerateFixtureV2=true}, the same way {@link StateFormatCompatibilityTest} made v1.
 * Never regenerate it to make a failing test pass.
 */
@Timeout(30)
class StateFormatV2Test {
  static final Path DIR = Path.of("src/test/resources/fixtures/v2");
  static final boolean REGENERATE = Boolean.getBoolean("raftray.regenerateFixtureV2");
  static final String SNAPSHOT = "snapshot.1_" + FormatFixtureLogV2.SNAPSHOT_INDEX;
  static final int AUDIT_RETENTION = 10_000;

  @BeforeAll
  static void regenerateWhenAsked() throws IOException {
    if (!REGENERATE) {
      return;
    }
    FixtureWriter.write(
        DIR, SNAPSHOT, FormatFixtureLogV2.SNAPSHOT_INDEX, FormatFixtureLogV2.entries());
  }

  @Test
  void snapshot_loads_reencodesToTheSameBytes_andKeepsGrantCredentials() throws IOException {
    byte[] bytes = Files.readAllBytes(DIR.resolve(SNAPSHOT));
    File file = DIR.resolve(SNAPSHOT).toFile();
    assertThat(MD5FileUtil.computeMd5ForFile(file))
        .isEqualTo(MD5FileUtil.readStoredMd5ForFile(file));

    State s = SnapshotCodec.decode(bytes, AUDIT_RETENTION);

    assertThat(s.appliedIndex()).isEqualTo(FormatFixtureLogV2.SNAPSHOT_INDEX);
    assertThat(SnapshotCodec.encode(s)).isEqualTo(bytes);
    assertThat(credentials(s))
        .containsExactlyEntriesOf(
            new TreeMap<>(
                Map.of(
                    "grt_ss128", FormatFixtureLogV2.SS128_KEY,
                    "grt_ss256", FormatFixtureLogV2.SS256_KEY,
                    "grt_trojan", FormatFixtureLogV2.TROJAN_PASSWORD,
                    "grt_vless", FormatFixtureLogV2.VLESS_UUID,
                    "grt_vmess", FormatFixtureLogV2.VMESS_UUID)));
    // Users from before per-user credentials have none and no groups; their grants' own
    // credentials are what effective access (the reconciler, subscriptions) uses.
    assertThat(s.users().values()).allMatch(u -> u.credentials() == null && u.groupIds().isEmpty());
    assertThat(s.groups()).isEmpty();
    Map<String, String> effective = new TreeMap<>();
    for (var u : s.users().values()) {
      for (Access.Entry e : Access.of(s, u)) {
        effective.put(e.grant().id(), e.credential());
      }
    }
    assertThat(effective).isEqualTo(credentials(s));
  }

  @Test
  void log_replayedOnTheSnapshot_andFromEmpty_reachTheRecordedState() throws IOException {
    State fromSnapshot =
        SnapshotCodec.decode(Files.readAllBytes(DIR.resolve(SNAPSHOT)), AUDIT_RETENTION);
    State fromEmpty = State.empty();
    List<byte[]> log = log();
    for (int i = 1; i <= log.size(); i++) {
      CommandEnvelope env = CommandCodec.decode(log.get(i - 1));
      assertThat(CommandCodec.encode(env)).isEqualTo(log.get(i - 1));
      Store.Applied o = Store.apply(fromEmpty, env, i);
      assertThat(o.result().ok()).as("entry %d applies", i).isTrue();
      fromEmpty = o.state();
      if (i > FormatFixtureLogV2.SNAPSHOT_INDEX) {
        fromSnapshot = Store.apply(fromSnapshot, env, i).state();
      }
    }
    String recorded = Files.readString(DIR.resolve("state.sha256")).strip();
    assertThat(SnapshotCodec.digest(fromEmpty)).isEqualTo(recorded);
    assertThat(SnapshotCodec.digest(fromSnapshot)).isEqualTo(recorded);
    assertThat(credentials(fromEmpty))
        .containsEntry("grt_ssc", FormatFixtureLogV2.SS_CLASSIC_PASSWORD)
        .containsEntry("grt_vmess_f", FormatFixtureLogV2.VMESS_UUID_AFTER)
        .containsEntry("grt_vless", FormatFixtureLogV2.VLESS_UUID)
        .hasSize(7);
  }

  static Map<String, String> credentials(State s) {
    Map<String, String> out = new TreeMap<>();
    for (Grant g : s.grants().values()) {
      out.put(g.id(), g.credential());
    }
    return out;
  }

  static List<byte[]> log() throws IOException {
    List<byte[]> out = new ArrayList<>();
    for (String line : Files.readAllLines(DIR.resolve("log.b64"), StandardCharsets.US_ASCII)) {
      if (!line.isBlank()) {
        out.add(Base64.getDecoder().decode(line));
      }
    }
    return out;
  }
}
