package io.raftray.model;

import java.util.List;

/** The event types a webhook can ask for (docs/webhooks.md, "Events"). */
public final class WebhookEventTypes {
  public static final List<String> ALL =
      List.of(
          "user.created",
          "user.updated",
          "user.deleted",
          "user.enabled",
          "user.disabled",
          "user.limited",
          "user.expired",
          "user.reset",
          "user.rotated",
          "user.expiring",
          "user.limit_near",
          "node.down",
          "node.up",
          "core.down",
          "core.up",
          "join_request.created",
          "certificate.expiring",
          "backup.failed");

  private WebhookEventTypes() {}
}
