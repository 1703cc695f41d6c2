package io.raftray.model;

/**
 * The one error vocabulary of Raftray. {@code io.raftray.http.Problems} maps each kind to an HTTP
 * status in a single exhaustive switch; the state machine returns these as results, never as
 * exceptions. The last three are refusals of the HTTP edge itself, never a {@code Result}.
 */
public enum ErrorKind {
  INVALID,
  NOT_FOUND,
  CONFLICT,
  UNAUTHORIZED,
  FORBIDDEN,
  TOO_LARGE,
  UNAVAILABLE,
  /** A route exists for the path but not for the method (405, with {@code Allow}). */
  METHOD_NOT_ALLOWED,
  /** Too many failed attempts from one source (429, with {@code Retry-After}). */
  RATE_LIMITED,
  /** A bug or an unexpected failure; the detail never says more than "see the node log". */
  INTERNAL,
  /**
   * A body a facade's schema refuses (422): the Marzban-compatible API answers its validation
   * errors so, as FastAPI does; the Raftray API answers {@link #INVALID} (400).
   */
  UNPROCESSABLE
}
