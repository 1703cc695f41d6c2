package io.raftray.model;

/** Transport security of an endpoint. */
public enum Security {
  NONE,
  TLS,
  REALITY
}
