package io.raftray.cli.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(10)
class DurationsTest {

  @ParameterizedTest
  @CsvSource({"30d, PT720H", "12h, PT12H", "90m, PT1H30M", "45s, PT45S", "1w2d12h, PT228H"})
  void parse_validDuration_returnsDuration(String text, String iso) {
    assertThat(Durations.parse(text)).isEqualTo(Duration.parse(iso));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "30", "d", "5y", "0d", "-1d", "1d 2h", "99999999999999999999d"})
  void parse_invalidDuration_throws(String text) {
    assertThatThrownBy(() -> Durations.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("invalid duration");
  }

  @Test
  void parseExpireAt_offsetTime_normalisedToUtc() {
    assertThat(Durations.parseExpireAt("2030-01-31T02:00:00+02:00"))
        .isEqualTo(Instant.parse("2030-01-31T00:00:00Z"));
    assertThat(Durations.rfc3339(Durations.parseExpireAt("2030-01-31T00:00:00.750Z")))
        .isEqualTo("2030-01-31T00:00:00Z");
  }

  @Test
  void parseExpireAt_never_returnsNull() {
    assertThat(Durations.parseExpireAt("never")).isNull();
    assertThat(Durations.parseExpireAt("NEVER")).isNull();
  }

  @ParameterizedTest
  @ValueSource(strings = {"2030-01-31", "tomorrow", "2030-01-31T00:00:00"})
  void parseExpireAt_notRfc3339_throws(String text) {
    assertThatThrownBy(() -> Durations.parseExpireAt(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("RFC 3339");
  }
}
