/**
 * The HTTP edge shared by every service on the one port: {@link io.raftray.http.Problems} (the
 * error vocabulary's only table to HTTP status and its only writer, with one renderer per error
 * shape), {@link io.raftray.http.Mount} (every mounted path prefix and how it authenticates) and
 * {@link io.raftray.http.RouteLabel} (the route template a handler names for the metrics labels).
 *
 * <p>Invariants: no service writes an error body by hand; a new error shape is a new {@link
 * io.raftray.http.Problems.Renderer}. This package depends on {@code model} only, so {@code api},
 * {@code join}, {@code sub} and {@code cluster} can all use it without depending on each other.
 */
package io.raftray.http;
