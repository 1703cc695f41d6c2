package io.raftray.xray;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import io.grpc.Channel;
import io.raftray.model.Enums;
import io.raftray.model.Protocol;
import io.raftray.model.Security;
import io.raftray.xray.XrayApiException.Kind;
import io.raftray.xray.proto.v2ray.Core.InboundHandlerConfig;
import io.raftray.xray.proto.v2ray.Grpc;
import io.raftray.xray.proto.v2ray.HandlerServiceGrpc;
import io.raftray.xray.proto.v2ray.Internet.StreamConfig;
import io.raftray.xray.proto.v2ray.Internet.TransportConfig;
import io.raftray.xray.proto.v2ray.Net.IPOrDomain;
import io.raftray.xray.proto.v2ray.Net.Network;
import io.raftray.xray.proto.v2ray.Net.PortRange;
import io.raftray.xray.proto.v2ray.Protocol.SecurityConfig;
import io.raftray.xray.proto.v2ray.Protocol.SecurityType;
import io.raftray.xray.proto.v2ray.Protocol.User;
import io.raftray.xray.proto.v2ray.Proxyman.ReceiverConfig;
import io.raftray.xray.proto.v2ray.ProxymanCommand.AddInboundRequest;
import io.raftray.xray.proto.v2ray.ProxymanCommand.AddUserOperation;
import io.raftray.xray.proto.v2ray.ProxymanCommand.AlterInboundRequest;
import io.raftray.xray.proto.v2ray.ProxymanCommand.RemoveInboundRequest;
import io.raftray.xray.proto.v2ray.ProxymanCommand.RemoveUserOperation;
import io.raftray.xray.proto.v2ray.Serial.TypedMessage;
import io.raftray.xray.proto.v2ray.Shadowsocks;
import io.raftray.xray.proto.v2ray.Shadowsocks.CipherType;
import io.raftray.xray.proto.v2ray.StatsCommand.GetStatsRequest;
import io.raftray.xray.proto.v2ray.StatsCommand.QueryStatsRequest;
import io.raftray.xray.proto.v2ray.StatsCommand.Stat;
import io.raftray.xray.proto.v2ray.StatsCommand.SysStatsRequest;
import io.raftray.xray.proto.v2ray.StatsServiceGrpc;
import io.raftray.xray.proto.v2ray.Tcp;
import io.raftray.xray.proto.v2ray.Tls;
import io.raftray.xray.proto.v2ray.Trojan;
import io.raftray.xray.proto.v2ray.Vless;
import io.raftray.xray.proto.v2ray.VlessInbound;
import io.raftray.xray.proto.v2ray.Vmess;
import io.raftray.xray.proto.v2ray.VmessInbound;
import io.raftray.xray.proto.v2ray.Websocket;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * V2Ray 4.x ({@code v2ray.core.*}): ReceiverConfig with one PortRange, VMess with alter_id,
 * Shadowsocks with one user per inbound and no run-time user changes, gRPC transport named {@code
 * gun} (4.36+). No REALITY, httpupgrade, XHTTP, Shadowsocks 2022 or VLESS flow.
 *
 * <p>Much of this class has the same shape as {@link XrayDialect}: that is on purpose. The two
 * cores' messages are distinct generated protobuf types (other packages, other field numbers), with
 * no common supertype to write the mapping once against; a shared generic layer would only hide
 * which field of which core is set. Logic that does not touch generated types lives in {@link
 * InboundSpec} and {@link Dialect}.
 */
final class V2RayDialect implements Dialect {
  private static final Flavor F = Flavor.V2RAY;

  @Override
  public Flavor flavor() {
    return F;
  }

  @Override
  public Message inbound(InboundSpec spec) {
    ReceiverConfig.Builder receiver =
        ReceiverConfig.newBuilder()
            .setPortRange(PortRange.newBuilder().setFrom(spec.port()).setTo(spec.port()))
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
                  .setAlterId(0)
                  .setSecuritySettings(SecurityConfig.newBuilder().setType(SecurityType.AUTO))
                  .build());
      case VLESS -> {
        if (!p.flow().isEmpty()) {
          throw unsupported(p, "VLESS flow " + p.flow());
        }
        yield typed(
            "proxy.vless.Account", Vless.Account.newBuilder().setId(user.credential()).build());
      }
      case TROJAN ->
          typed(
              "proxy.trojan.Account",
              Trojan.Account.newBuilder().setPassword(user.credential()).build());
      case SHADOWSOCKS ->
          typed(
              "proxy.shadowsocks.Account",
              Shadowsocks.Account.newBuilder()
                  .setPassword(user.credential())
                  .setCipherType(cipher(p))
                  .build());
    };
  }

  @Override
  public Message addUserOperation(InboundSpec.Proxy p, InboundUser user) {
    if (p.protocol() == Protocol.SHADOWSOCKS) {
      throw new XrayApiException(
          Kind.INVALID,
          "endpoint "
              + p.tag()
              + ": V2Ray's shadowsocks inbound has one fixed user; users cannot be added or"
              + " removed at run time (needs Xray)");
    }
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
    List<User> users = spec.users().stream().map(u -> user(p, u)).toList();
    return switch (p.protocol()) {
      case VMESS ->
          typed(
              "proxy.vmess.inbound.Config",
              VmessInbound.Config.newBuilder().addAllUser(users).build());
      case VLESS ->
          typed(
              "proxy.vless.inbound.Config",
              VlessInbound.Config.newBuilder().addAllClients(users).setDecryption("none").build());
      case TROJAN ->
          typed(
              "proxy.trojan.ServerConfig",
              Trojan.ServerConfig.newBuilder().addAllUsers(users).build());
      case SHADOWSOCKS -> {
        cipher(p);
        if (users.size() != 1) {
          throw new XrayApiException(
              Kind.INVALID,
              "endpoint "
                  + p.tag()
                  + ": V2Ray's shadowsocks inbound takes exactly one user, not "
                  + users.size());
        }
        yield typed(
            "proxy.shadowsocks.ServerConfig",
            Shadowsocks.ServerConfig.newBuilder()
                .setUser(users.get(0))
                .addNetwork(Network.TCP)
                .addNetwork(Network.UDP)
                .build());
      }
    };
  }

  private StreamConfig stream(InboundSpec spec) {
    InboundSpec.Stream s = spec.stream();
    TransportConfig t =
        switch (s.transport()) {
          case TCP ->
              transport(
                  "tcp", typed("transport.internet.tcp.Config", Tcp.Config.getDefaultInstance()));
          case WS -> {
            Websocket.Config.Builder ws = Websocket.Config.newBuilder().setPath(s.path());
            if (!s.host().isEmpty()) {
              // V2Ray's websocket config has no host field: the Host header carries it.
              ws.addHeader(Websocket.Header.newBuilder().setKey("Host").setValue(s.host()));
            }
            yield transport("websocket", typed("transport.internet.websocket.Config", ws.build()));
          }
          case GRPC ->
              transport(
                  "gun",
                  typed(
                      "transport.internet.grpc.encoding.Config",
                      Grpc.Config.newBuilder().setServiceName(s.serviceName()).build()));
          case HTTPUPGRADE, XHTTP ->
              throw unsupported(spec.proxy(), "transport " + Enums.wire(s.transport()));
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
      throw unsupported(spec.proxy(), "security reality");
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
      default -> throw unsupported(p, "shadowsocks method " + p.method());
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

  private static XrayApiException unsupported(InboundSpec.Proxy p, String what) {
    return new XrayApiException(
        Kind.INVALID, "endpoint " + p.tag() + ": " + what + " needs Xray; the core is V2Ray");
  }
}
