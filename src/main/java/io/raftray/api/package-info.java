/**
 * The admin REST API ({@code /api/v1}), probes and HTTP metrics, as Helidon services.
 *
 * <p>Public entry points for the daemon: {@link io.raftray.api.ApiService} (mount at {@code
 * /api/v1}), {@link io.raftray.api.ProbeService} (mount at {@code /}), {@link
 * io.raftray.api.HttpMetrics} (a routing filter) and {@link io.raftray.api.AdminTokens} (issuing
 * the first owner token at init).
 *
 * <p>Invariants:
 *
 * <ul>
 *   <li>A write is validated completely (all field problems reported at once) and checked against
 *       the local view before it is submitted, so bad input never reaches the Raft log; the Store
 *       re-checks, and its rejections map through the same table ({@code
 *       io.raftray.http.Problems}).
 *   <li>Ids, secrets, credentials and keys are generated here, before submission: the state machine
 *       stays deterministic.
 *   <li>Every error is {@code application/problem+json}; every API reply carries {@code
 *       X-Raftray-Applied-Index}. No response or log line contains a token, key, credential or
 *       stack trace; endpoint secrets and token hashes are never serialized.
 *   <li>Metrics are labelled by route template, never by raw path.
 * </ul>
 */
package io.raftray.api;
