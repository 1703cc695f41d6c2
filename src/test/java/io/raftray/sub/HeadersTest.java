package io.raftray.sub;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class HeadersTest {
  @Test
  void asciiName_keepsSafeCharactersOnly() {
    assertThat(Headers.asciiName("alice")).isEqualTo("alice");
    assertThat(Headers.asciiName("My VPN / \"prod\"")).isEqualTo("My_VPN_prod");
    assertThat(Headers.asciiName("../../etc/passwd")).isEqualTo("etc_passwd");
    assertThat(Headers.asciiName("Ёлка")).isEqualTo("subscription");
    assertThat(Headers.asciiName("a\r\nSet-Cookie: x")).isEqualTo("a_Set-Cookie_x");
    assertThat(Headers.asciiName("x".repeat(100))).hasSize(64);
  }

  @Test
  void disposition_asciiTitle_filenameOnly() {
    assertThat(Headers.disposition("alice", "yaml"))
        .isEqualTo("attachment; filename=\"alice.yaml\"");
  }

  @Test
  void disposition_nonAsciiTitle_addsFilenameStar() {
    assertThat(Headers.disposition("Ёлка 1", "json"))
        .isEqualTo(
            "attachment; filename=\"1.json\"; filename*=UTF-8''%D0%81%D0%BB%D0%BA%D0%B0%201.json");
  }

  @Test
  void disposition_quoteInTitle_neverBreaksTheHeader() {
    String v = Headers.disposition("a\"b;c", "txt");

    assertThat(v).isEqualTo("attachment; filename=\"a_b_c.txt\"");
  }
}
