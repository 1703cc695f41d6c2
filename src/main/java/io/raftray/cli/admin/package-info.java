/**
 * The admin client half of the {@code raftray} CLI: {@code raftray <resource> <verb>} over the REST
 * API ({@code /api/v1}).
 *
 * <p>{@link io.raftray.cli.admin.AdminCli#register} is the only public entry point. Every command
 * extends {@code AdminCommand}, which resolves the connection (flags, then {@code --data-dir}, then
 * {@code RAFTRAY_*} environment variables), runs one or more requests through {@code ApiClient} and
 * maps failures to exit codes: 0 success, 1 runtime failure (401, 403, 5xx, connection or TLS
 * problems), 2 usage or validation error (local argument errors and other 4xx).
 *
 * <p>Invariants: the HTTPS client trusts only the configured CA and keeps hostname verification on;
 * the admin token is sent only in the {@code Authorization} header and is never printed, also not
 * in error messages. Enumerated values (protocol, status, ...) are validated by the server, so the
 * CLI keeps working when the server learns new values.
 */
package io.raftray.cli.admin;
