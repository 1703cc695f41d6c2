package io.raftray.xray;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.raftray.model.Protocol;
import io.raftray.model.Security;
import io.raftray.model.Transport;
import io.raftray.xray.XrayApiException.Kind;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The error table, redaction and capability rules without a core. */
@Timeout(30)
class GrpcXrayApiTest {

  @Test
  void kind_mapsTheCoresAnswers() {
    assertThat(GrpcXrayApi.kind(Status.Code.UNAVAILABLE, "connection refused", false))
        .isEqualTo(Kind.UNAVAILABLE);
    assertThat(GrpcXrayApi.kind(Status.Code.DEADLINE_EXCEEDED, "", false))
        .isEqualTo(Kind.UNAVAILABLE);
    assertThat(
            GrpcXrayApi.kind(
                Status.Code.UNKNOWN, "proxy/vless: User usr_a.grt_b already exists.", false))
        .isEqualTo(Kind.ALREADY_EXISTS);
    assertThat(
            GrpcXrayApi.kind(
                Status.Code.UNKNOWN, "app/proxyman/inbound: existing tag found: t", false))
        .as("Xray AddInbound of a present tag")
        .isEqualTo(Kind.ALREADY_EXISTS);
    assertThat(GrpcXrayApi.kind(Status.Code.UNKNOWN, "User x not found.", false))
        .isEqualTo(Kind.NOT_FOUND);
    String noClue = "not enough information for making a decision";
    assertThat(GrpcXrayApi.kind(Status.Code.UNKNOWN, noClue, true)).isEqualTo(Kind.NOT_FOUND);
    assertThat(GrpcXrayApi.kind(Status.Code.UNKNOWN, noClue, false)).isEqualTo(Kind.REJECTED);
    assertThat(GrpcXrayApi.kind(Status.Code.UNKNOWN, "failed to listen TCP on 443", false))
        .isEqualTo(Kind.REJECTED);
  }

  @Test
  void addInboundDeadline_growsWithTheUsersCarried_upToACap() {
    Duration base = GrpcXrayApi.DEFAULT_DEADLINE;
    assertThat(GrpcXrayApi.addInboundDeadline(base, 0)).isEqualTo(base);
    // 10,000 users: the call that timed out at 5 s on a loaded machine gets 25 s.
    assertThat(GrpcXrayApi.addInboundDeadline(base, 10_000)).isEqualTo(Duration.ofSeconds(25));
    assertThat(GrpcXrayApi.addInboundDeadline(base, 1_000_000))
        .isEqualTo(GrpcXrayApi.MAX_ADD_INBOUND_DEADLINE);
  }

  @Test
  void redact_cutsEverySecretOut() {
    String text = "invalid UUID: abc-123 and again abc-123, password hunter2";
    assertThat(GrpcXrayApi.redact(text, List.of("abc-123", "hunter2", "")))
        .isEqualTo("invalid UUID: *** and again ***, password ***");
  }

  @Test
  void inboundUserAndSpec_neverPrintSecrets() {
    InboundUser u = new InboundUser("usr_a.grt_b", "hunter2");
    InboundSpec spec =
        InboundSpec.of(
            Endpoints.of(
                "t",
                Protocol.SHADOWSOCKS,
                Transport.TCP,
                Security.NONE,
                Map.of("method", "2022-blake3-aes-128-gcm", "server_key", "S3RVRVJLRVk=")),
            List.of(u),
            "0.0.0.0");
    assertThat(spec.toString()).doesNotContain("hunter2").doesNotContain("S3RVRVJLRVk=");
  }

  @Test
  void capabilities_v2ray434() {
    Map<String, Object> none = Map.of();
    for (Protocol p : List.of(Protocol.VMESS, Protocol.VLESS, Protocol.TROJAN)) {
      for (Transport t : List.of(Transport.TCP, Transport.WS)) {
        for (Security s : List.of(Security.NONE, Security.TLS)) {
          assertThat(Capabilities.unsupported(Flavor.V2RAY, "4.34.0", p, t, s, none))
              .as("%s %s %s", p, t, s)
              .isEmpty();
        }
      }
    }
    assertThat(
            Capabilities.unsupported(
                Flavor.V2RAY, "4.34.0", Protocol.VMESS, Transport.GRPC, Security.NONE, none))
        .hasValueSatisfying(r -> assertThat(r).contains("grpc"));
    assertThat(
            Capabilities.unsupported(
                Flavor.V2RAY, "4.36.0", Protocol.VMESS, Transport.GRPC, Security.NONE, none))
        .isEmpty();
    assertThat(
            Capabilities.unsupported(
                Flavor.V2RAY,
                "4.34.0",
                Protocol.SHADOWSOCKS,
                Transport.TCP,
                Security.NONE,
                Map.of("method", "aes-128-gcm")))
        .isEmpty(); // runs, with one user per endpoint:
    assertThat(Capabilities.singleUser(Flavor.V2RAY, Protocol.SHADOWSOCKS)).isTrue();
    assertThat(Capabilities.singleUser(Flavor.XRAY, Protocol.SHADOWSOCKS)).isFalse();
    assertThat(Capabilities.singleUser(Flavor.V2RAY, Protocol.VMESS)).isFalse();
    assertThat(
            Capabilities.unsupported(
                Flavor.XRAY,
                "25.1.1",
                Protocol.SHADOWSOCKS,
                Transport.TCP,
                Security.NONE,
                Map.of("method", "aes-128-gcm")))
        .isEmpty();
  }
}
