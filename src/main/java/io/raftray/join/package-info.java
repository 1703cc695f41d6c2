/**
 * Joining nodes with one-time tokens (docs/joining.md): the token text, the proof and encryption
 * keys derived from its secret, the public {@code /cluster/v1/ca} and {@code /cluster/v1/join}
 * routes ({@link io.raftray.join.JoinService}), the joining host's side ({@link
 * io.raftray.join.Joiner}) and the membership change a joined node asks for on its first start
 * ({@link io.raftray.join.Admission}).
 *
 * <p>Invariants: the token secret never leaves the host that holds the token (only an HMAC proof
 * travels); the joiner checks the CA pin before it sends anything derived from the secret; the
 * private key of a joining node is generated on that node; a refused join changes neither the
 * replicated membership nor the Raft group; the CA key travels only encrypted under a key derived
 * from the token.
 */
package io.raftray.join;
