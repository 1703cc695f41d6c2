package io.raftray.telegram;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.raftray.testing.StandInBotApi;
import java.net.ServerSocket;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class BotApiTest {
  private static final String TOKEN = "123456:AAH-secret-token";

  @Test
  void sendMessage_postsPlainTextToTheChat() throws Exception {
    try (StandInBotApi tg = new StandInBotApi(TOKEN)) {
      new BotApi(BotApi.client(), tg.base(), TOKEN).sendMessage(42, "hello");

      StandInBotApi.Call c = tg.calls().get(0);
      assertThat(c.method()).isEqualTo("sendMessage");
      assertThat(c.body().path("chat_id").asLong()).isEqualTo(42);
      assertThat(c.body().path("text").asText()).isEqualTo("hello");
      assertThat(c.body().has("parse_mode")).isFalse();
    }
  }

  @Test
  void sendMessage_cutsTextTelegramWouldRefuse() throws Exception {
    try (StandInBotApi tg = new StandInBotApi(TOKEN)) {
      new BotApi(BotApi.client(), tg.base(), TOKEN).sendMessage(1, "x".repeat(5000));

      String sent = tg.sentTo(1).get(0);
      assertThat(sent).hasSize(BotApi.MAX_TEXT).endsWith("…");
    }
  }

  @Test
  void getUpdates_returnsChatAndTextAndHonoursTheOffset() throws Exception {
    try (StandInBotApi tg = new StandInBotApi(TOKEN)) {
      BotApi api = new BotApi(BotApi.client(), tg.base(), TOKEN);
      tg.say(7, "/status");
      tg.say(8, "/user alice");

      List<BotApi.Update> got = api.getUpdates(0, 1);

      assertThat(got).extracting(BotApi.Update::chatId).containsExactly(7L, 8L);
      assertThat(got).extracting(BotApi.Update::text).containsExactly("/status", "/user alice");
      assertThat(got.get(1).updateId()).isGreaterThan(got.get(0).updateId());
      assertThat(tg.calls().get(0).body().path("offset").asLong()).isZero();
    }
  }

  @Test
  void refusals_nameTheMethodAndTelegramsReason_neverTheToken() throws Exception {
    try (StandInBotApi tg = new StandInBotApi("other:token")) {
      BotApi api = new BotApi(BotApi.client(), tg.base(), TOKEN);
      assertThatThrownBy(() -> api.sendMessage(1, "x"))
          .isInstanceOf(BotApi.BotApiException.class)
          .hasMessage("sendMessage: HTTP 401: Unauthorized")
          .satisfies(e -> assertThat(((BotApi.BotApiException) e).status()).isEqualTo(401));
    }
    try (StandInBotApi tg = new StandInBotApi(TOKEN)) {
      tg.failNext(1);
      BotApi api = new BotApi(BotApi.client(), tg.base(), TOKEN);
      assertThatThrownBy(() -> api.sendMessage(1, "x"))
          .isInstanceOf(BotApi.BotApiException.class)
          .satisfies(
              e -> assertThat(((BotApi.BotApiException) e).retryAfterSeconds()).isEqualTo(1));
    }
  }

  @Test
  void unreachableApi_failsWithoutTheUrl() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    BotApi api = new BotApi(BotApi.client(), URI.create("http://127.0.0.1:" + port), TOKEN);
    assertThatThrownBy(() -> api.sendMessage(1, "x"))
        .isInstanceOf(BotApi.BotApiException.class)
        .hasMessageStartingWith("sendMessage: ")
        .hasMessageNotContaining(TOKEN)
        .hasMessageNotContaining("127.0.0.1");
  }
}
