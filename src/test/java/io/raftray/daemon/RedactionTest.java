package io.raftray.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class RedactionTest {
  private static final String ADMIN = "rrt_3Q8VZ1W5M2Y7K0H4D9C6B1A8E2F5G7J";

  @Test
  void raftrayTokens_andBearer_areRemoved() {
    assertThat(Redaction.line("using token " + ADMIN + " now"))
        .isEqualTo("using token [redacted] now");
    assertThat(Redaction.line("join with rrj_AAAA.BBBB-cc_dd please"))
        .isEqualTo("join with [redacted] please");
    assertThat(Redaction.line("header Authorization: Bearer abc.def-ghi"))
        .isEqualTo("header Authorization: [redacted]");
    assertThat(Redaction.line("sent bearer eyJhbGciOi.x.y to it"))
        .isEqualTo("sent bearer [redacted] to it");
  }

  @Test
  void secretPairs_inQueryHeaderAndJsonStyle_keepTheirKeys() {
    assertThat(Redaction.line("GET /x?token=s3cr3t&limit=5"))
        .isEqualTo("GET /x?token=[redacted]&limit=5");
    assertThat(Redaction.line("{\"password\":\"hunter2\",\"name\":\"a\"}"))
        .isEqualTo("{\"password\":\"[redacted]\",\"name\":\"a\"}");
    assertThat(Redaction.line("passphrase: 'open sesame' done"))
        .isEqualTo("passphrase: '[redacted]' done");
    assertThat(Redaction.line("trojan_password=abc123 webhook_secret=zz"))
        .isEqualTo("trojan_password=[redacted] webhook_secret=[redacted]");
  }

  @Test
  void privateKeys_andSubscriptionPaths_areRemoved() {
    assertThat(
            Redaction.line(
                "key -----BEGIN PRIVATE KEY-----MIIEvQIBADANBg-----END PRIVATE KEY----- end"))
        .isEqualTo("key [redacted] end");
    assertThat(Redaction.line("-----BEGIN EC PRIVATE KEY----- MHcCAQEE")).isEqualTo("[redacted]");
    assertThat(Redaction.line("GET /sub/Zx81kQ_abc-9/clash 200"))
        .isEqualTo("GET /sub/[redacted]/clash 200");
  }

  @Test
  void ordinaryLines_areUnchanged() {
    String line =
        "2026-12-03T15:00:00Z INFO     Daemon: node node-1 (node_01J) serving https on"
            + " 127.0.0.1:8443, raft term 3, 2 users, api on 127.0.0.1:10085";
    assertThat(Redaction.line(line)).isEqualTo(line);
  }
}
