package io.raftray.model;

/**
 * The one error vocabulary of Raftray. The REST layer maps each kind to an HTTP status in a single
 * table; the state machine returns these as results, never as exceptions.
 */
public enum ErrorKind {
  INVALID,
  NOT_FOUND,
  CONFLICT,
  UNAUTHORIZED,
  FORBIDDEN,
  TOO_LARGE,
  UNAVAILABLE,
  NOT_LEADER
}
