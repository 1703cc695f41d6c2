package io.raftray.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftray.config.HostPort;
import io.raftray.config.XraySettings;
import io.raftray.xray.Flavor;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RunCommandXrayOptionsTest {
  private static final XraySettings FILE =
      new XraySettings(
          Optional.empty(),
          Optional.of(new HostPort("127.0.0.1", 10085)),
          Optional.of(Flavor.V2RAY),
          0,
          Duration.ofSeconds(10));

  private static RunCommand parse(String... args) {
    RunCommand run = new RunCommand();
    new CommandLine(run).parseArgs(args);
    return run;
  }

  @Test
  void noOptions_keepTheFile() {
    List<String> problems = new ArrayList<>();
    assertThat(parse("--data-dir", "/d").xraySettings(FILE, problems)).isEqualTo(FILE);
    assertThat(problems).isEmpty();
  }

  @Test
  void xrayBin_replacesTheFilesExternalApi_otherValuesOverrideOneByOne() {
    List<String> problems = new ArrayList<>();
    XraySettings s =
        parse(
                "--data-dir",
                "/d",
                "--xray-bin",
                "/usr/bin/v2ray",
                "--xray-api-port",
                "10086",
                "--stats-interval",
                "500ms")
            .xraySettings(FILE, problems);
    assertThat(problems).isEmpty();
    assertThat(s.bin()).contains(Path.of("/usr/bin/v2ray"));
    assertThat(s.api()).isEmpty();
    assertThat(s.flavor()).contains(Flavor.V2RAY);
    assertThat(s.apiPort()).isEqualTo(10086);
    assertThat(s.statsInterval()).isEqualTo(Duration.ofMillis(500));
  }

  @Test
  void binAndApiTogether_isOneProblemNamingBothOptions() {
    List<String> problems = new ArrayList<>();
    parse("--data-dir", "/d", "--xray-bin", "/usr/bin/v2ray", "--xray-api", "127.0.0.1:1")
        .xraySettings(XraySettings.none(), problems);
    assertThat(problems).containsExactly("--xray-bin and --xray-api are mutually exclusive");
  }

  @Test
  void badValues_areReported() {
    List<String> problems = new ArrayList<>();
    parse(
            "--data-dir",
            "/d",
            "--xray-api",
            "nope",
            "--xray-flavor",
            "sing",
            "--stats-interval",
            "fast")
        .xraySettings(XraySettings.none(), problems);
    assertThat(problems)
        .hasSize(3)
        .anySatisfy(p -> assertThat(p).startsWith("--xray-api: expected HOST:PORT"))
        .contains("--xray-flavor must be xray or v2ray")
        .anySatisfy(p -> assertThat(p).startsWith("--stats-interval: expected e.g. 5s"));
  }

  @Test
  void flavorWithoutCore_andPortWithoutBinary_areRejected() {
    List<String> problems = new ArrayList<>();
    parse("--data-dir", "/d", "--xray-flavor", "xray", "--xray-api-port", "9000")
        .xraySettings(XraySettings.none(), problems);
    assertThat(problems)
        .containsExactlyInAnyOrder(
            "--xray-flavor needs --xray-bin or --xray-api", "--xray-api-port needs --xray-bin");
  }

  @Test
  void intervals_parse() {
    assertThat(RunCommand.parseInterval("5s")).isEqualTo(Duration.ofSeconds(5));
    assertThat(RunCommand.parseInterval("2")).isEqualTo(Duration.ofSeconds(2));
    assertThat(RunCommand.parseInterval("1m")).isEqualTo(Duration.ofMinutes(1));
    assertThat(RunCommand.parseInterval("2.5s")).isEqualTo(Duration.ofMillis(2500));
  }
}
