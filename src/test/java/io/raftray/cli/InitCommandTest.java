package io.raftray.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftray.config.NodeConfigFile;
import io.raftray.config.RaftPreset;
import io.raftray.testing.InProcessNodes;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

@Timeout(60)
class InitCommandTest {
  @TempDir Path dir;

  private record Run(int code, String err) {}

  private Run run(String... args) {
    CommandLine cl = Main.commandLine();
    StringWriter err = new StringWriter();
    cl.setErr(new PrintWriter(err));
    cl.setOut(new PrintWriter(new StringWriter()));
    return new Run(cl.execute(args), err.toString());
  }

  private Run init(Path data, String... more) throws Exception {
    int port = InProcessNodes.freePort();
    String[] base = {
      "init",
      "--data-dir",
      data.toString(),
      "--bind",
      "127.0.0.1:" + port,
      "--api-base-url",
      "https://127.0.0.1:" + port,
      "--access-host",
      "127.0.0.1",
      "--admin-token-file",
      data.resolveSibling(data.getFileName() + ".token").toString()
    };
    String[] all = new String[base.length + more.length];
    System.arraycopy(base, 0, all, 0, base.length);
    System.arraycopy(more, 0, all, base.length, more.length);
    return run(all);
  }

  @Test
  void raftPresetLan_isWrittenToNodeJson() throws Exception {
    Run r = init(dir.resolve("lan"), "--raft-preset", "lan");

    assertThat(r.code()).as(r.err()).isZero();
    assertThat(NodeConfigFile.read(dir.resolve("lan")).raft().preset()).isEqualTo(RaftPreset.LAN);
  }

  @Test
  void withoutRaftPreset_nodeJsonSaysWan() throws Exception {
    Run r = init(dir.resolve("plain"));

    assertThat(r.code()).as(r.err()).isZero();
    assertThat(NodeConfigFile.read(dir.resolve("plain")).raft().preset()).isEqualTo(RaftPreset.WAN);
  }

  @Test
  void unknownRaftPreset_isReportedWithTheOtherProblems_exit2() throws Exception {
    Run r = init(dir.resolve("bad"), "--raft-preset", "fast", "--name", "bad name");

    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err())
        .contains("raftray init: --raft-preset: must be one of lan, wan")
        .contains("--name");
    assertThat(dir.resolve("bad")).doesNotExist();
  }
}
