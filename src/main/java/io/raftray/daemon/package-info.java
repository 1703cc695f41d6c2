/**
 * The composition root: {@link io.raftray.daemon.Daemon#start} wires configuration, PKI, Raft, the
 * HTTPS listener and the services mounted on it, and returns a handle whose {@code close()} stops
 * everything in reverse order.
 *
 * <p>Invariants: no global state or singletons (tests run several daemons in one JVM); exactly one
 * listening port per daemon; startup problems surface as {@link io.raftray.daemon.StartupException}
 * with a one-line reason.
 */
package io.raftray.daemon;
