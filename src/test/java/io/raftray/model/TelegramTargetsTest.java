package io.raftray.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TelegramTargetsTest {
  @Test
  void chatIdsAreParsed_groupsAreNegative() {
    assertThat(WebhookUrls.problem("telegram:111,-1002233")).isEmpty();
    assertThat(TelegramTargets.chatIds("telegram:111,-1002233")).containsExactly(111L, -1002233L);
    assertThat(WebhookUrls.redacted("telegram:111")).isEqualTo("telegram:111");
  }

  @Test
  void badTargetsAreRefusedWithAReason() {
    assertThat(WebhookUrls.problem("telegram:"))
        .contains("must name at least one chat id: telegram:<chat id>[,<chat id>...]");
    assertThat(WebhookUrls.problem("telegram:12,abc"))
        .hasValueSatisfying(p -> assertThat(p).contains("'abc'"));
    assertThat(WebhookUrls.problem("telegram:0")).isPresent();
    assertThat(WebhookUrls.problem("telegram:1,1")).contains("names chat id 1 twice");
    assertThat(WebhookUrls.problem("telegram:99999999999999999999")).isPresent();
    assertThat(WebhookUrls.problem("telegram:1,2,3,4,5,6,7,8,9,10,11"))
        .contains("must name at most 10 chat ids");
    assertThat(WebhookUrls.problem("telegram://api.telegram.org/1")).isPresent();
  }
}
