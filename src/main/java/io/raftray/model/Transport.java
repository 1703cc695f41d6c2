package io.raftray.model;

/** Stream transport of an endpoint. */
public enum Transport {
  TCP,
  WS,
  GRPC,
  HTTPUPGRADE,
  XHTTP
}
