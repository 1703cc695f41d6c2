package io.raftray.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

@Timeout(30)
class JoinCommandTest {
  @TempDir Path dir;

  private record Run(int code, String err) {}

  private Run run(String... args) {
    CommandLine cl = Main.commandLine();
    StringWriter err = new StringWriter();
    cl.setErr(new PrintWriter(err));
    cl.setOut(new PrintWriter(new StringWriter()));
    return new Run(cl.execute(args), err.toString());
  }

  @Test
  void badOptions_allReported_exit2() {
    Run r =
        run(
            "join",
            "rrj_x",
            "--data-dir",
            dir.resolve("d").toString(),
            "--bind",
            "nope",
            "--api-base-url",
            "http://x",
            "--access-host",
            "a b",
            "--wait",
            "soon");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("--bind").contains("--api-base-url").contains("--access-host");
    assertThat(r.err()).contains("--wait");
  }

  @Test
  void unknownRaftPreset_isReportedWithTheOtherProblems_exit2() {
    Run r =
        run(
            "join",
            "rrj_x",
            "--data-dir",
            dir.resolve("d").toString(),
            "--bind",
            "nope",
            "--api-base-url",
            "https://127.0.0.1:1",
            "--access-host",
            "127.0.0.1",
            "--raft-preset",
            "LAN");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err())
        .contains("raftray join: --raft-preset: must be one of lan, wan")
        .contains("--bind");
    assertThat(dir.resolve("d")).doesNotExist();
  }

  @Test
  void damagedToken_isUsageError_withoutEchoingIt() {
    Run r =
        run(
            "join",
            "rrj_c2VjcmV0LXN0dWZm",
            "--data-dir",
            dir.resolve("d").toString(),
            "--bind",
            "127.0.0.1:0",
            "--api-base-url",
            "https://127.0.0.1:1",
            "--access-host",
            "127.0.0.1",
            "--name",
            "n2");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err())
        .startsWith("raftray join: join token is damaged")
        .doesNotContain("c2VjcmV0");
    assertThat(r.err().lines()).hasSize(1);
    assertThat(dir.resolve("d")).doesNotExist();
  }

  private Run runWithStdin(String stdin, String... args) {
    CommandLine cl = Main.commandLine();
    StringWriter err = new StringWriter();
    cl.setErr(new PrintWriter(err));
    cl.setOut(new PrintWriter(new StringWriter()));
    JoinCommand join = cl.getSubcommands().get("join").getCommand();
    join.stdin = new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8));
    return new Run(cl.execute(args), err.toString());
  }

  private String[] nodeArgs(String... first) {
    List<String> a = new ArrayList<>(List.of(first));
    a.addAll(
        List.of(
            "--data-dir",
            dir.resolve("d").toString(),
            "--bind",
            "127.0.0.1:0",
            "--api-base-url",
            "https://127.0.0.1:1",
            "--access-host",
            "127.0.0.1",
            "--name",
            "n2"));
    return a.toArray(String[]::new);
  }

  @Test
  void tokenFile_isRead_soTheTokenIsNeverAnArgument() throws Exception {
    Path f = dir.resolve("join.token");
    Files.writeString(f, "rrj_c2VjcmV0LXN0dWZm\n");
    Run r = run(nodeArgs("join", "--token-file", f.toString()));
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err())
        .startsWith("raftray join: join token is damaged")
        .doesNotContain("c2VjcmV0");
    assertThat(dir.resolve("d")).doesNotExist();
  }

  @Test
  void tokenDash_readsStdin() {
    Run r = runWithStdin("rrj_c2VjcmV0LXN0dWZm\n", nodeArgs("join", "--token", "-"));
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).startsWith("raftray join: join token is damaged");
  }

  @Test
  void tokenSources_missingFile_none_orTwo_areUsageErrors() {
    Run missing = run(nodeArgs("join", "--token-file", dir.resolve("nope").toString()));
    assertThat(missing.code()).isEqualTo(2);
    assertThat(missing.err()).contains("--token-file").contains("cannot read");
    Run none = run(nodeArgs("join"));
    assertThat(none.code()).isEqualTo(2);
    assertThat(none.err()).contains("--token-file");
    Run two = runWithStdin("rrj_x", nodeArgs("join", "rrj_y", "--token", "-"));
    assertThat(two.code()).isEqualTo(2);
    assertThat(two.err()).contains("only one of");
    Run empty = runWithStdin("", nodeArgs("join", "--token", "-"));
    assertThat(empty.code()).isEqualTo(2);
    assertThat(empty.err()).contains("no join token");
    assertThat(dir.resolve("d")).doesNotExist();
  }

  @Test
  void defaultName_isTheShortHostName() {
    assertThat(JoinCommand.defaultName("edge-2.example.org")).isEqualTo("edge-2");
    assertThat(JoinCommand.defaultName(null)).isEqualTo("node");
    assertThat(JoinCommand.parseWait("90s")).hasSeconds(90);
    assertThat(JoinCommand.parseWait("2d")).isNull();
  }
}
