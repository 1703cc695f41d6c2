package io.raftray.webhook;

import io.raftray.model.TelegramTargets;
import io.raftray.model.Webhook;
import io.raftray.model.WebhookDelivery;
import io.raftray.model.WebhookEvent;
import io.raftray.telegram.BotApi;
import io.raftray.telegram.TelegramText;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * One event to the chats of a {@code telegram:} webhook, as a readable message ({@link
 * TelegramText}) sent with the webhook's secret as the bot token. Delivered when every chat took
 * it; otherwise the attempt failed and the retry sends it to every chat again (at least once: a
 * chat that took it already gets it twice). The error names the chat and Telegram's reason, never
 * the token.
 */
final class TelegramSender implements Sink {
  private final HttpClient http;
  private final URI api;
  private final Clock clock;

  TelegramSender(HttpClient http, URI api, Clock clock) {
    this.http = http;
    this.api = api;
    this.clock = clock;
  }

  @Override
  public WebhookDelivery send(Webhook h, WebhookEvent e, int attempt) {
    Instant start = clock.instant();
    BotApi bot = new BotApi(http, api, h.secret());
    String text = TelegramText.event(e.type(), e.data(), e.at());
    int status = 200;
    String error = null;
    List<Long> chats = TelegramTargets.chatIds(h.url());
    for (long chat : chats) {
      try {
        bot.sendMessage(chat, text);
      } catch (BotApi.BotApiException ex) {
        status = ex.status();
        error = "chat " + chat + ": " + ex.getMessage();
        break;
      } catch (IOException ex) {
        status = 0;
        error = "chat " + chat + ": " + ex.getClass().getSimpleName();
        break;
      }
    }
    long ms = Duration.between(start, clock.instant()).toMillis();
    return Sink.attempt(e, start, attempt, status, error, ms);
  }
}
