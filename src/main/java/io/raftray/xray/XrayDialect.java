package io.raftray.xray;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import io.grpc.Channel;
import io.raftray.model.Protocol;
import io.raftray.model.Security;
import io.raftray.xray.XrayApiException.Kind;
import io.raftray.xray.proto.xray.Core.InboundHandlerConfig;
import io.raftray.xray.proto.xray.Grpc;
import io.raftray.xray.proto.xray.HandlerServiceGrpc;
import io.raftray.xray.proto.xray.Httpupgrade;
import io.raftray.xray.proto.xray.Internet.StreamConfig;
import io.raftray.xray.proto.xray.Internet.TransportConfig;
import io.raftray.xray.proto.xray.Net.IPOrDomain;
import io.raftray.xray.proto.xray.Net.Network;
import io.raftray.xray.proto.xray.Net.PortList;
import io.raftray.xray.proto.xray.Net.PortRange;
import io.raftray.xray.proto.xray.Protocol.SecurityConfig;
import io.raftray.xray.proto.xray.Protocol.SecurityType;
import io.raftray.xray.proto.xray.Protocol.User;
import io.raftray.xray.proto.xray.Proxyman.ReceiverConfig;
import io.raftray.xray.proto.xray.ProxymanCommand.AddInboundRequest;
import io.raftray.xray.proto.xray.ProxymanCommand.AddUserOperation;
import io.raftray.xray.proto.xray.ProxymanCommand.AlterInboundRequest;
import io.raftray.xray.proto.xray.ProxymanCommand.RemoveInboundRequest;
import io.raftray.xray.proto.xray.ProxymanCommand.RemoveUserOperation;
import io.raftray.xray.proto.xray.Reality;
import io.raftray.xray.proto.xray.Serial.TypedMessage;
import io.raftray.xray.proto.xray.Shadowsocks;
import io.raftray.xray.proto.xray.Shadowsocks.CipherType;
import io.raftray.xray.proto.xray.Shadowsocks2022;
import io.raftray.xray.proto.xray.Splithttp;
import io.raftray.xray.proto.xray.StatsCommand.GetStatsRequest;
import io.raftray.xray.proto.xray.StatsCommand.QueryStatsRequest;
import io.raftray.xray.proto.xray.StatsCommand.Stat;
import io.raftray.xray.proto.xray.StatsCommand.SysStatsRequest;
import io.raftray.xray.proto.xray.StatsServiceGrpc;
import io.raftray.xray.proto.xray.Tcp;
import io.raftray.xray.proto.xray.Tls;
import io.raftray.xray.proto.xray.Trojan;
import io.raftray.xray.proto.xray.Vless;
import io.raftray.xray.proto.xray.VlessInbound;
import io.raftray.xray.proto.xray.Vmess;
import io.raftray.xray.proto.xray.VmessInbound;
import io.raftray.xray.proto.xray.Websocket;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Xray ({@code xray.*}): ReceiverConfig with a PortList and stream settings in field 3, VMess
 * without alter_id, VLESS flow, Shadowsocks classic (multi-user) and 2022 (multi-user server with a
 * server key), transports tcp, ws, grpc, httpupgrade and XHTTP ({@code splithttp} on the wire),
 * security tls and reality.
 *
 * <p>Much of this class has the same shape as {@link V2RayDialect}: that is on purpose. The two
 * cores' messages are distinct generated protobuf types (other packages, other field numbers), with
 * no common supertype to write the mapping once against; a shared generic layer would only hide
 * which field of which core is set. Logic that does not touch generated types lives in {@link
 * InboundSpec} and {@link Dialect}.
 */
final class XrayDialect implements Dialect {
  private static final Flavor F = Flavor.XRAY;

  @Override
  public Flavor flavor() {
    return F;
  }

  @Override
  public Message inbound(InboundSpec spec) {
    ReceiverConfig.Builder receiver =
        ReceiverConfig.newBuilder()
            .setPortList(
                PortList.newBuilder()
                    .addRange(PortRange.newBuilder().setFrom(spec.port()).setTo(spec.port())))
            .setListen(address(spec.listen()))
            .setStreamSettings(stream(spec));
    return InboundHandlerConfig.newBuilder()
        .setTag(spec.tag())
        .setReceiverSettings(typed("app.proxyman.ReceiverConfig", receiver.build()))
        .setProxySettings(proxy(spec))
        .build();
  }

  @Override
  public Message account(InboundSpec.Proxy p, InboundUser user) {
    return switch (p.protocol()) {
      case VMESS ->
          typed(
              "proxy.vmess.Account",
              Vmess.Account.newBuilder()
                  .setId(user.credential())
                  .setSecuritySettings(SecurityConfig.newBuilder().setType(SecurityType.AUTO))
                  .build());
      case VLESS ->
          typed(
              "proxy.vless.Account",
              Vless.Account.newBuilder().setId(user.credential()).setFlow(p.flow()).build());
      case TROJAN ->
          typed(
              "proxy.trojan.Account",
              Trojan.Account.newBuilder().setPassword(user.credential()).build());
      case SHADOWSOCKS ->
          p.ss2022()
              ? typed(
                  "proxy.shadowsocks_2022.Account",
                  Shadowsocks2022.Account.newBuilder().setKey(user.credential()).build())
              : typed(
                  "proxy.shadowsocks.Account",
                  Shadowsocks.Account.newBuilder()
                      .setPassword(user.credential())
                      .setCipherType(cipher(p))
                      .build());
    };
  }

  @Override
  public Message addUserOperation(InboundSpec.Proxy p, InboundUser user) {
    AddUserOperation op = AddUserOperation.newBuilder().setUser(user(p, user)).build();
    return typed("app.proxyman.command.AddUserOperation", op);
  }

  @Override
  public Message removeUserOperation(String email) {
    return typed(
        "app.proxyman.command.RemoveUserOperation",
        RemoveUserOperation.newBuilder().setEmail(email).build());
  }

  @Override
  public void addInbound(Channel channel, Duration deadline, Message inbound) {
    handler(channel, deadline)
        .addInbound(
            AddInboundRequest.newBuilder().setInbound((InboundHandlerConfig) inbound).build());
  }

  @Override
  public void removeInbound(Channel channel, Duration deadline, String tag) {
    handler(channel, deadline).removeInbound(RemoveInboundRequest.newBuilder().setTag(tag).build());
  }

  @Override
  public void alterInbound(Channel channel, Duration deadline, String tag, Message operation) {
    handler(channel, deadline)
        .alterInbound(
            AlterInboundRequest.newBuilder()
                .setTag(tag)
                .setOperation((TypedMessage) operation)
                .build());
  }

  @Override
  public Map<String, Long> queryStats(
      Channel channel, Duration deadline, String pattern, boolean reset) {
    Map<String, Long> out = new LinkedHashMap<>();
    List<Stat> stats =
        StatsServiceGrpc.newBlockingStub(channel)
            .withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS)
            .queryStats(QueryStatsRequest.newBuilder().setPattern(pattern).setReset(reset).build())
            .getStatList();
    for (Stat s : stats) {
      out.put(s.getName(), s.getValue());
    }
    return out;
  }

  @Override
  public long getStats(Channel channel, Duration deadline, String name, boolean reset) {
    return StatsServiceGrpc.newBlockingStub(channel)
        .withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS)
        .getStats(GetStatsRequest.newBuilder().setName(name).setReset(reset).build())
        .getStat()
        .getValue();
  }

  @Override
  public long uptimeSeconds(Channel channel, Duration deadline) {
    // uint32 on the wire: read it unsigned.
    return Integer.toUnsignedLong(
        StatsServiceGrpc.newBlockingStub(channel)
            .withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS)
            .getSysStats(SysStatsRequest.getDefaultInstance())
            .getUptime());
  }

  private static HandlerServiceGrpc.HandlerServiceBlockingStub handler(
      Channel channel, Duration deadline) {
    return HandlerServiceGrpc.newBlockingStub(channel)
        .withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS);
  }

  private User user(InboundSpec.Proxy p, InboundUser u) {
    return User.newBuilder()
        .setLevel(0)
        .setEmail(u.email())
        .setAccount((TypedMessage) account(p, u))
        .build();
  }

  private TypedMessage proxy(InboundSpec spec) {
    InboundSpec.Proxy p = spec.proxy();
    if (p.protocol() == Protocol.SHADOWSOCKS && !p.ss2022()) {
      cipher(p); // rejects an unknown method even without users
    }
    List<User> users = spec.users().stream().map(u -> user(p, u)).toList();
    return switch (p.protocol()) {
      case VMESS ->
          typed(
              "proxy.vmess.inbound.Config",
              VmessInbound.Config.newBuilder().addAllUser(users).build());
      case VLESS ->
          typed(
              "proxy.vless.inbound.Config",
              VlessInbound.Config.newBuilder().addAllUsers(users).setDecryption("none").build());
      case TROJAN ->
          typed(
              "proxy.trojan.ServerConfig",
              Trojan.ServerConfig.newBuilder().addAllUsers(users).build());
      case SHADOWSOCKS ->
          p.ss2022()
              ? typed(
                  "proxy.shadowsocks_2022.MultiUserServerConfig",
                  Shadowsocks2022.MultiUserServerConfig.newBuilder()
                      .setMethod(ss2022Method(p))
                      .setKey(p.serverKey())
                      .addAllUsers(users)
                      .addNetwork(Network.TCP)
                      .addNetwork(Network.UDP)
                      .build())
              : typed(
                  "proxy.shadowsocks.ServerConfig",
                  Shadowsocks.ServerConfig.newBuilder()
                      .addAllUsers(users)
                      .addNetwork(Network.TCP)
                      .addNetwork(Network.UDP)
                      .build());
    };
  }

  private StreamConfig stream(InboundSpec spec) {
    InboundSpec.Stream s = spec.stream();
    TransportConfig t =
        switch (s.transport()) {
          case TCP ->
              transport(
                  "tcp", typed("transport.internet.tcp.Config", Tcp.Config.getDefaultInstance()));
          case WS ->
              transport(
                  "websocket",
                  typed(
                      "transport.internet.websocket.Config",
                      Websocket.Config.newBuilder().setHost(s.host()).setPath(s.path()).build()));
          case HTTPUPGRADE ->
              transport(
                  "httpupgrade",
                  typed(
                      "transport.internet.httpupgrade.Config",
                      Httpupgrade.Config.newBuilder().setHost(s.host()).setPath(s.path()).build()));
          case XHTTP ->
              transport(
                  "splithttp",
                  typed(
                      "transport.internet.splithttp.Config",
                      Splithttp.Config.newBuilder()
                          .setHost(s.host())
                          .setPath(s.path())
                          .setMode(s.mode().isEmpty() ? "auto" : s.mode())
                          .build()));
          case GRPC ->
              transport(
                  "grpc",
                  typed(
                      "transport.internet.grpc.encoding.Config",
                      Grpc.Config.newBuilder().setServiceName(s.serviceName()).build()));
        };
    StreamConfig.Builder b =
        StreamConfig.newBuilder().setProtocolName(t.getProtocolName()).addTransportSettings(t);
    if (s.security() == Security.TLS) {
      InboundSpec.Tls cert = s.tls();
      Tls.Config tls =
          Tls.Config.newBuilder()
              .setServerName(cert.serverName())
              .addCertificate(
                  Tls.Certificate.newBuilder()
                      .setCertificate(ByteString.copyFrom(cert.certificatePem()))
                      .setKey(ByteString.copyFrom(cert.keyPem())))
              .build();
      b.setSecurityType(F.type("transport.internet.tls.Config"))
          .addSecuritySettings(typed("transport.internet.tls.Config", tls));
    } else if (s.security() == Security.REALITY) {
      InboundSpec.Reality r = s.reality();
      Reality.Config.Builder reality =
          Reality.Config.newBuilder()
              .setDest(r.dest())
              .setType("tcp")
              .addAllServerNames(r.serverNames())
              .setPrivateKey(ByteString.copyFrom(r.privateKey()));
      for (byte[] id : r.shortIds()) {
        reality.addShortIds(ByteString.copyFrom(id));
      }
      b.setSecurityType(F.type("transport.internet.reality.Config"))
          .addSecuritySettings(typed("transport.internet.reality.Config", reality.build()));
    }
    return b.build();
  }

  private static TransportConfig transport(String name, TypedMessage settings) {
    return TransportConfig.newBuilder().setProtocolName(name).setSettings(settings).build();
  }

  private static CipherType cipher(InboundSpec.Proxy p) {
    return switch (p.method()) {
      case "aes-128-gcm" -> CipherType.AES_128_GCM;
      case "aes-256-gcm" -> CipherType.AES_256_GCM;
      case "chacha20-ietf-poly1305", "chacha20-poly1305" -> CipherType.CHACHA20_POLY1305;
      case "xchacha20-ietf-poly1305", "xchacha20-poly1305" -> CipherType.XCHACHA20_POLY1305;
      default -> throw invalid(p, "unknown shadowsocks method " + p.method());
    };
  }

  private static String ss2022Method(InboundSpec.Proxy p) {
    return switch (p.method()) {
      case "2022-blake3-aes-128-gcm", "2022-blake3-aes-256-gcm", "2022-blake3-chacha20-poly1305" ->
          p.method();
      default -> throw invalid(p, "unknown shadowsocks 2022 method " + p.method());
    };
  }

  private static IPOrDomain address(String listen) {
    byte[] ip = InboundSpec.ipLiteral(listen);
    return ip != null
        ? IPOrDomain.newBuilder().setIp(ByteString.copyFrom(ip)).build()
        : IPOrDomain.newBuilder().setDomain(listen).build();
  }

  private static TypedMessage typed(String suffix, Message m) {
    String type = F.type(suffix);
    if (!type.equals(m.getDescriptorForType().getFullName())) {
      throw new IllegalStateException(type + " is not " + m.getDescriptorForType().getFullName());
    }
    return TypedMessage.newBuilder().setType(type).setValue(m.toByteString()).build();
  }

  private static XrayApiException invalid(InboundSpec.Proxy p, String what) {
    return new XrayApiException(Kind.INVALID, "endpoint " + p.tag() + ": " + what);
  }
}
