package io.raftray.cli.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(10)
class SizesTest {

  @ParameterizedTest
  @CsvSource({
    "0, 0",
    "1048576, 1048576",
    "10GB, 10000000000",
    "10gb, 10000000000",
    "1.5 GB, 1500000000",
    "512MiB, 536870912",
    "1KiB, 1024",
    "2TiB, 2199023255552",
    "7B, 7",
    "1kb, 1000"
  })
  void parse_validSize_returnsBytes(String text, long bytes) {
    assertThat(Sizes.parse(text)).isEqualTo(bytes);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "abc", "-1", "10XB", "GB", "0.5B", "1.2.3GB", "99999999PB"})
  void parse_invalidSize_throwsWithInput(String text) {
    assertThatThrownBy(() -> Sizes.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("invalid size '" + text + "'");
  }

  @ParameterizedTest
  @CsvSource({
    "0, 0 B",
    "999, 999 B",
    "1000, 1 KB",
    "1500000000, 1.5 GB",
    "10000000000, 10 GB",
    "536870912, 536.9 MB",
    "999950000, 1 GB",
    "9223372036854775807, 9.2 EB"
  })
  void format_bytes_usesSiUnits(long bytes, String text) {
    assertThat(Sizes.format(bytes)).isEqualTo(text);
  }

  @Test
  void converter_invalidSize_raisesPicocliTypeError() {
    assertThatThrownBy(() -> new Sizes.Converter().convert("ten"))
        .isInstanceOf(picocli.CommandLine.TypeConversionException.class)
        .hasMessageContaining("invalid size 'ten'");
  }
}
