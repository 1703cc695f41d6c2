/**
 * The {@code raftray} command line: node lifecycle commands ({@code init}, {@code run}) here, the
 * REST admin client in {@code cli.admin}.
 *
 * <p>Invariants: exit codes are 0 success, 1 runtime failure, 2 usage or validation error; errors
 * are one line on stderr, never a stack trace; secrets are printed only where the user asked for
 * them (the owner token at init) and never logged.
 */
package io.raftray.cli;
