/**
 * Node configuration: {@code node.json} in the data directory, loaded once into a record.
 *
 * <p>Invariants: loading reports every problem at once and rejects unknown keys; nothing else in
 * the daemon reads configuration files or environment variables.
 */
package io.raftray.config;
