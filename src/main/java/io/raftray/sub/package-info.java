/**
 * Subscriptions: {@code GET /sub/{token}[/{format}]} on every node, rendered from the local view in
 * the format the user's client reads.
 */
package io.raftray.sub;
