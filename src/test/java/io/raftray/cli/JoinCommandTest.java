package io.raftray.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
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

  @Test
  void defaultName_isTheShortHostName() {
    assertThat(JoinCommand.defaultName("edge-2.example.org")).isEqualTo("edge-2");
    assertThat(JoinCommand.defaultName(null)).isEqualTo("node");
    assertThat(JoinCommand.parseWait("90s")).hasSeconds(90);
    assertThat(JoinCommand.parseWait("2d")).isNull();
  }
}
