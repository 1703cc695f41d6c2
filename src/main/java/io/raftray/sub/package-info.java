/**
 * Subscriptions: {@code GET /sub/{token}[/{format}]} on every node, rendered from the local view in
 * the format the user's client reads. {@link io.raftray.sub.SubscriptionService} answers; {@code
 * SubscriptionBuilder} turns the view and the user into a {@link io.raftray.sub.Subscription} of
 * {@link io.raftray.sub.Proxy} values (or none and a notice, decided in {@code Subscription} only);
 * {@link io.raftray.sub.Renderers} and {@code Html} only render it.
 */
package io.raftray.sub;
