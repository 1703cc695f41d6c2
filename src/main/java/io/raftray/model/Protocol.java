package io.raftray.model;

/** Proxy protocol of an endpoint. */
public enum Protocol {
  VLESS,
  VMESS,
  TROJAN,
  SHADOWSOCKS
}
