/**
 * The web console: static assets (HTML, CSS, ES modules, message files) from the classpath folder
 * {@code console/}, served at {@code /} on every node by {@link io.raftray.console.ConsoleService}.
 * The console is a client of {@code /api/v1} only; it holds no state of its own on the server.
 * Invariants: nothing outside {@code console/} is ever served, no directory is listed, a missing
 * asset is a 404 (never the index page), and every answer carries the strict CSP.
 */
@NullMarked
package io.raftray.console;

import org.jspecify.annotations.NullMarked;
