package io.raftray.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.raftray.model.Admin;
import io.raftray.model.Group;
import io.raftray.model.Json;
import io.raftray.model.ResetStrategy;
import io.raftray.model.Role;
import io.raftray.model.UserTemplate;
import io.raftray.model.Webhook;
import io.raftray.state.Command.DeviceSeen;
import io.raftray.state.Command.SubFetch;
import io.raftray.state.Command.UsageDelta;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The snapshot bytes of a state with a few of every entity (every section of {@link
 * SnapshotCodec#SECTIONS} present) are pinned by {@code src/test/resources/fixtures/golden}: the
 * file was written by the tree-based codec (main 73041f0) before the codec became streaming, with
 * {@code ./mvnw test -Dtest=SnapshotGoldenTest -Draftray.regenerateGoldenSnapshot=true}. The
 * streaming codec must write exactly those bytes (replicas compare digests across releases) and
 * read them back to the same state. Never regenerate it to make a failing test pass.
 */
@Timeout(30)
class SnapshotGoldenTest {
  static final Path FILE = Path.of("src/test/resources/fixtures/golden/snapshot.every-section");
  static final boolean REGENERATE = Boolean.getBoolean("raftray.regenerateGoldenSnapshot");
  static final Instant T1 = FormatFixtureLog.T0.plusSeconds(30L * 86_400);

  @BeforeAll
  static void regenerateWhenAsked() throws IOException {
    if (REGENERATE) {
      Files.createDirectories(FILE.getParent());
      Files.write(FILE, SnapshotCodec.encode(state()));
    }
  }

  /** The v1 fixture log replayed, then every entity added since. */
  static State state() {
    State s = State.empty();
    long index = 0;
    for (CommandEnvelope env : FormatFixtureLog.entries()) {
      s = Store.apply(s, env, ++index).state();
    }
    List<Command> more = new ArrayList<>();
    more.add(new Command.SetFeatureLevel(2));
    more.add(new Command.UpdateSettings(700, 3, null, null));
    more.add(
        new Command.CreateGroup(new Group("grp_eu", "eu", "europe", List.of(), null, null, null)));
    more.add(new Command.CreateGroup(new Group("grp_us", "us", "", List.of(), null, null, null)));
    more.add(
        new Command.CreateUserTemplate(
            new UserTemplate(
                "utp_basic",
                "basic",
                "n",
                1000,
                86400,
                ResetStrategy.MONTH,
                true,
                3600,
                null,
                null,
                List.of())));
    more.add(
        new Command.CreateAdmin(
            Admin.create(
                "adm_alice",
                "alice",
                Role.OWNER,
                "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2g",
                T1,
                false)));
    more.add(
        new Command.CreateWebhook(
            new Webhook(
                "whk_a",
                "https://hooks.example/a",
                "0123456789abcdef0123",
                List.of(),
                true,
                T1,
                T1,
                0,
                0,
                List.of())));
    more.add(
        new Command.UsageReport(
            "node_a",
            3,
            List.of(new UsageDelta("usr_alice", 4_000, 8_000), new UsageDelta("usr_bob", 1, 2)),
            true,
            true));
    more.add(
        new Command.UsageReport(
            "node_b", 3, List.of(new UsageDelta("usr_alice", 300, 600)), true, true));
    more.add(
        new Command.SubscriptionActivity(
            "node_a",
            List.of(new SubFetch("usr_alice", T1, "Happ/1.0")),
            List.of(
                new DeviceSeen("usr_alice", "hw-2", "Android", "14", "Pixel 8", "Happ/1.0", T1),
                new DeviceSeen("usr_alice", "hw-1", "iOS", "18", "iPhone", "Happ/1.0", T1),
                new DeviceSeen("usr_bob", "hw-9", "Windows", "11", "PC", "v2rayN", T1))));
    more.add(Command.UpdateUser.of("usr_alice").note("golden").build());
    Instant at = T1;
    for (Command c : more) {
      at = at.plusSeconds(60);
      Store.Applied a = Store.apply(s, Fixtures.env(c, at), ++index);
      assertThat(a.result().ok()).as(c.toString()).isTrue();
      s = a.state();
    }
    return s;
  }

  @Test
  void everySectionIsPresent_inTheGoldenState() throws IOException {
    byte[] bytes = SnapshotCodec.encode(state());
    String text = new String(bytes, StandardCharsets.UTF_8);
    JsonNode body = Json.mapper().readTree(text.substring(text.indexOf('\n') + 1));
    for (SnapshotSection section : SnapshotCodec.SECTIONS) {
      JsonNode v = body.get(section.field());
      assertThat(v).as(section.field()).isNotNull();
      assertThat(v.isNull() || (v.isContainerNode() && v.isEmpty()))
          .as(section.field() + " is empty")
          .isFalse();
    }
  }

  @Test
  void encode_writesTheGoldenBytes() throws IOException {
    assertThat(SnapshotCodec.encode(state())).isEqualTo(Files.readAllBytes(FILE));
  }

  @Test
  void decode_readsTheGoldenBytesBackToTheSameState() throws IOException {
    byte[] golden = Files.readAllBytes(FILE);
    State decoded = SnapshotCodec.decode(golden);
    assertThat(SnapshotCodec.encode(decoded)).isEqualTo(golden);
    assertThat(SnapshotCodec.digest(decoded)).isEqualTo(SnapshotCodec.digest(state()));
  }

  @Test
  void fileAndStreamPaths_writeAndReadTheSameBytes(@TempDir Path dir) throws Exception {
    byte[] golden = Files.readAllBytes(FILE);
    State s = state();

    Path written = dir.resolve("snapshot.written");
    Files.write(
        written,
        "longer stale content that the writer must truncate"
            .repeat(1000)
            .getBytes(StandardCharsets.US_ASCII));
    SnapshotCodec.write(s, written);
    assertThat(Files.readAllBytes(written)).isEqualTo(golden);

    SnapshotCodec.Sized sized = SnapshotCodec.sized(s);
    assertThat(sized.length()).isEqualTo(golden.length);
    assertThat(sized.sha256Hex()).isEqualTo(SnapshotCodec.sha256(golden));
    boolean[] closed = {false};
    ByteArrayOutputStream out =
        new ByteArrayOutputStream() {
          @Override
          public void close() {
            closed[0] = true;
          }
        };
    sized.writeTo(out);
    assertThat(out.toByteArray()).isEqualTo(golden);
    assertThat(closed[0]).as("the caller's stream stays open").isFalse();
    out.reset();
    sized.writeTo(out);
    assertThat(out.toByteArray()).as("written again, the same bytes").isEqualTo(golden);
    out.reset();
    SnapshotCodec.encode(s, out);
    assertThat(out.toByteArray()).as("encode into a stream").isEqualTo(golden);
    assertThat(closed[0]).as("the caller's stream stays open").isFalse();

    assertThat(SnapshotCodec.digest(s)).isEqualTo(SnapshotCodec.sha256(golden));
    assertThat(SnapshotCodec.encode(SnapshotCodec.decode(FILE))).isEqualTo(golden);
    assertThat(SnapshotCodec.encode(BackupFile.read(FILE, null))).isEqualTo(golden);
    assertThat(SnapshotCodec.decode(FILE).users()).isEqualTo(s.users());
    assertThat(SnapshotCodec.decode(FILE).usageHistory()).isEqualTo(s.usageHistory());
  }

  @Test
  void decodeFile_flippedByte_failsWithChecksumMismatch_andBadHeaderIsNamed(@TempDir Path dir)
      throws IOException {
    byte[] data = Files.readAllBytes(FILE);
    data[data.length / 2] ^= 0x01;
    Path damaged = dir.resolve("damaged");
    Files.write(damaged, data);
    assertThatThrownBy(() -> SnapshotCodec.decode(damaged))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("checksum mismatch");
    Path garbage = dir.resolve("garbage");
    Files.writeString(garbage, "hello\n{}");
    assertThatThrownBy(() -> SnapshotCodec.decode(garbage))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("bad header");
  }

  /** Fields the reader does not know (a newer section) are skipped, as the tree codec did. */
  @Test
  void decode_skipsUnknownFields_andReadsFieldsInAnyOrder() throws IOException {
    String golden = Files.readString(FILE);
    String body = golden.substring(golden.indexOf('\n') + 1);
    JsonNode tree = Json.mapper().readTree(body);
    com.fasterxml.jackson.databind.node.ObjectNode shuffled = Json.mapper().createObjectNode();
    shuffled.set("from_the_future", Json.mapper().readTree("{\"a\":[1,{\"b\":2}]}"));
    List<String> fields = new ArrayList<>();
    tree.fieldNames().forEachRemaining(fields::add);
    java.util.Collections.reverse(fields);
    fields.forEach(f -> shuffled.set(f, tree.get(f)));
    byte[] newBody = Json.mapper().writeValueAsBytes(shuffled);
    byte[] header =
        ("RAFTRAY-SNAPSHOT 1 sha256=" + SnapshotCodec.sha256(newBody) + "\n")
            .getBytes(StandardCharsets.US_ASCII);
    byte[] data = java.util.Arrays.copyOf(header, header.length + newBody.length);
    System.arraycopy(newBody, 0, data, header.length, newBody.length);

    assertThat(SnapshotCodec.encode(SnapshotCodec.decode(data)))
        .isEqualTo(golden.getBytes(StandardCharsets.UTF_8));
  }
}
