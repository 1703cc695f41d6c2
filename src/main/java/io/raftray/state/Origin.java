package io.raftray.state;

/**
 * Who may submit a command. Every command names its origin in its {@link Action} (the compiler
 * refuses a command without one), and the leader checks it in {@link Authority} before the command
 * is logged. See {@code docs/cluster-auth.md}, "Who may submit what".
 */
public enum Origin {
  /** An admin or owner token, proven by its bearer secret (admin writes). */
  ADMIN,
  /** An owner token (admin tokens, join tokens). */
  OWNER,
  /** The submitting node, in its own name and about itself (usage, core reports, activation). */
  NODE,
  /** Any member, for a host joining with a join token: the actor is that token. */
  JOIN,
  /**
   * Any member recording a node: a joining node with an approved join request, or a node that is
   * already in the Raft configuration (the initial peers of a new cluster).
   */
  ADMISSION,
  /** The member that signed a renewed certificate, for the renewing node (the actor). */
  RENEWAL,
  /**
   * The admin account the command is about, proven by its password (login, password change) or by
   * one of its sessions; the actor is that admin's id.
   */
  ACCOUNT,
  /**
   * A CA-holding member, in its own name: the local-host path of {@code raftray admin create} and
   * {@code reset-password}, which proves the data directory (the node's private key).
   */
  HOST,
  /** Only before the cluster exists: the first entry of the log. */
  BOOTSTRAP
}
