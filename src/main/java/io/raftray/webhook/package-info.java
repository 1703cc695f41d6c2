/**
 * Webhook delivery (docs/webhooks.md). The events and the acknowledgements are replicated state
 * ({@code state/Webhooks}, made at apply by {@code state/WebhookEvents}); this package is what the
 * Raft leader does with them: {@link io.raftray.webhook.WebhookDispatcher} sends each webhook's
 * pending events in order, one at a time, signed ({@link io.raftray.webhook.Signatures}), retried
 * with {@link io.raftray.webhook.Backoff}, and acknowledges them in batches ({@code webhook.ack});
 * {@link io.raftray.webhook.EventObserver} submits what the leader observes (nodes down and up,
 * users and certificates about to expire) as {@code webhook.observe}. Invariant: nothing here
 * decides which events exist or what was delivered; a new leader resumes from the replicated
 * acknowledgement, so an event is delivered at least once.
 */
package io.raftray.webhook;
