package io.raftray.state;

import static io.raftray.state.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.raftray.model.ErrorKind;
import io.raftray.model.ResetStrategy;
import io.raftray.model.UserTemplate;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class UserTemplateRulesTest {
  private State state = State.empty();
  private long index;

  private Result run(Command c) {
    Store.Applied a = Store.apply(state, env(c, T0.plusSeconds(index)), ++index);
    state = a.state();
    return a.result();
  }

  static UserTemplate template(String id, String name) {
    return new UserTemplate(
        id, name, "n", 1000, 86400, ResetStrategy.MONTH, true, 3600, null, null, List.of());
  }

  @BeforeEach
  void boot() {
    run(bootstrap());
  }

  @Test
  void create_update_delete_roundTrip() throws Exception {
    assertThat(run(new Command.CreateUserTemplate(template("utp_1", "basic"))).ok()).isTrue();
    UserTemplate t = state.userTemplates().get("utp_1");
    assertThat(t.createdAt()).isEqualTo(T0.plusSeconds(1));
    assertThat(t.onHoldExpireSeconds()).isEqualTo(3600);
    UserTemplate changed =
        new UserTemplate(
            "utp_1", "basic2", "", 5, 0, ResetStrategy.NO_RESET, false, 0, null, null, List.of());
    assertThat(run(new Command.UpdateUserTemplate(changed)).ok()).isTrue();
    t = state.userTemplates().get("utp_1");
    assertThat(t.name()).isEqualTo("basic2");
    assertThat(t.createdAt()).isEqualTo(T0.plusSeconds(1));
    assertThat(t.updatedAt()).isEqualTo(T0.plusSeconds(2));
    // snapshots keep templates
    State decoded = SnapshotCodec.decode(SnapshotCodec.encode(state), 1000);
    assertThat(decoded.userTemplates()).isEqualTo(state.userTemplates());
    assertThat(run(new Command.DeleteUserTemplate("utp_1")).ok()).isTrue();
    assertThat(state.userTemplates()).isEmpty();
    assertThat(state.audit().all().stream().map(e -> e.action()))
        .contains("user_template.create", "user_template.update", "user_template.delete");
  }

  @Test
  void create_takenName_isConflict_unknownIdIsNotFound() {
    run(new Command.CreateUserTemplate(template("utp_1", "basic")));
    State before = state;
    Result r = run(new Command.CreateUserTemplate(template("utp_2", "basic")));
    assertThat(r.error()).isEqualTo(ErrorKind.CONFLICT);
    assertThat(r.field()).isEqualTo("name");
    assertThat(run(new Command.UpdateUserTemplate(template("utp_9", "x"))).error())
        .isEqualTo(ErrorKind.NOT_FOUND);
    assertThat(run(new Command.DeleteUserTemplate("utp_9")).error()).isEqualTo(ErrorKind.NOT_FOUND);
    assertThat(state.userTemplates()).isEqualTo(before.userTemplates());
  }

  @Test
  void create_withUnknownGroup_isRejected_withKnownGroupKeepsIt() {
    UserTemplate t = template("utp_1", "eu");
    UserTemplate withGroup =
        new UserTemplate(t.id(), t.name(), "", 0, 0, null, false, 0, null, null, List.of("grp_eu"));
    assertThat(run(new Command.CreateUserTemplate(withGroup)).field()).isEqualTo("group_ids");
    run(
        new Command.CreateGroup(
            new io.raftray.model.Group("grp_eu", "eu", "", List.of(), null, null, null)));
    assertThat(run(new Command.CreateUserTemplate(withGroup)).ok()).isTrue();
    assertThat(state.userTemplates().get("utp_1").groupIds()).containsExactly("grp_eu");
  }

  @Test
  void snapshot_withoutTemplates_hasNoTemplateSection() throws Exception {
    String json = new String(SnapshotCodec.encode(state), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(json).doesNotContain("user_templates");
  }
}
