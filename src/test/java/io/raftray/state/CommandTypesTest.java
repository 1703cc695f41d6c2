package io.raftray.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class CommandTypesTest {

  /** The type names are the log format: this list only ever grows. */
  @Test
  void names_areTheActionsOfEveryCommand_inDeclarationOrder() {
    List<String> names = new ArrayList<>();
    CommandTypes.names().forEach(names::add);
    assertThat(names)
        .containsExactly(
            "bootstrap",
            "user.create",
            "user.update",
            "user.delete",
            "user.reset_usage",
            "user.rotate_subscription",
            "endpoint.create",
            "endpoint.update",
            "endpoint.delete",
            "grant.create",
            "grant.update",
            "grant.delete",
            "admin_token.create",
            "admin_token.revoke",
            "node.add",
            "node.update",
            "node.activate",
            "node.remove",
            "node.renew_certificate",
            "node.report_xray",
            "join_token.create",
            "join_token.revoke",
            "join_request.create",
            "join_request.approve",
            "join_request.reject",
            "subscription_settings.update",
            "usage.report",
            "users.tick",
            "cluster.set_feature_level",
            "cluster.feature_probe",
            "user.rotate_credentials",
            "group.create",
            "group.update",
            "group.delete",
            "settings.update",
            "user_template.create",
            "user_template.update",
            "user_template.delete",
            "users.create_batch",
            "settings.set_marzban_secret",
            "users.bulk",
            "node.expire_joining",
            "subscription.activity",
            "user.delete_device",
            "admin.create",
            "admin.update",
            "admin.delete",
            "admin.login",
            "admin.logout",
            "admin.change_password",
            "admin.totp_enroll",
            "admin.totp_confirm",
            "admin.totp_disable",
            "admin.host_set",
            "webhook.create",
            "webhook.update",
            "webhook.delete",
            "webhook.settings",
            "webhook.ack",
            "webhook.observe");
    assertThat(new Command.UsersTick().action()).isEqualTo("users.tick");
    assertThat(Command.UpdateUser.of("usr_1").build().action()).isEqualTo("user.update");
  }

  @Test
  void encode_writesTheActionAsType_andDecodeReadsItBack() throws IOException {
    CommandEnvelope env =
        CommandEnvelope.of("tok", new Command.DeleteGrant("grt_1")).stampedAt(Fixtures.T0);
    byte[] bytes = CommandCodec.encode(env);
    assertThat(new String(bytes, StandardCharsets.UTF_8))
        .isEqualTo(
            "{\"schema\":1,\"at\":\"2026-01-01T00:00:00Z\",\"actor\":\"tok\","
                + "\"command\":{\"type\":\"grant.delete\",\"id\":\"grt_1\"}}");
    assertThat(CommandCodec.decode(bytes)).isEqualTo(env);
  }

  @Test
  void decode_unknownType_failsNamingIt() {
    byte[] bytes =
        "{\"schema\":1,\"at\":\"2026-01-01T00:00:00Z\",\"actor\":\"tok\",\"command\":{\"type\":\"user.explode\",\"id\":\"x\"}}"
            .getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> CommandCodec.decode(bytes))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("user.explode");
  }

  @Test
  void updateUser_builderSetsOnlyWhatChanges() {
    Command.UpdateUser u = Command.UpdateUser.of("usr_1").note("n").expireAt(null).build();
    assertThat(u)
        .isEqualTo(new Command.UpdateUser("usr_1", null, "n", null, null, true, null, null, null));
    assertThat(Command.UpdateUser.of("usr_1").build().setExpireAt()).isFalse();
  }
}
