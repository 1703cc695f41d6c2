package io.raftray.state;

import static io.raftray.state.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.raftray.model.ErrorKind;
import io.raftray.model.Group;
import io.raftray.model.GroupSelector;
import io.raftray.model.Json;
import io.raftray.model.Protocol;
import io.raftray.model.User;
import io.raftray.model.UserCredentials;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NavigableSet;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Groups, group membership, endpoint labels and per-user credentials through {@link Store}. */
@Timeout(10)
class GroupRulesTest {
  static final UserCredentials CREDS =
      new UserCredentials(
          "11111111-1111-4111-8111-111111111111",
          "22222222-2222-4222-8222-222222222222",
          "trojan-pass",
          "c3MtcGFzcy0zMi1ieXRlcy1sb25nLS0tLS0tLS0tLS0=");

  private State state = State.empty();
  private long index;

  private Result run(Command c) {
    Store.Applied a = Store.apply(state, env(c, T0.plusSeconds(index)), ++index);
    state = a.state();
    // the incrementally kept membership index always equals the one derived from the users
    assertThat(state.groupMembers()).isEqualTo(derivedMembers(state));
    return a.result();
  }

  private static NavigableMap<String, NavigableSet<String>> derivedMembers(State s) {
    return State.builder().users(s.users()).build().groupMembers();
  }

  private static Group group(String id, String name, List<String> endpoints, GroupSelector sel) {
    return new Group(id, name, "", endpoints, sel, null, null);
  }

  private static User member(String id, String name, List<String> groups) {
    return user(id, name, 0).toBuilder().groupIds(groups).credentials(CREDS).build();
  }

  @BeforeEach
  void bootstrapWithEndpoints() {
    run(bootstrap());
    run(new Command.CreateEndpoint(endpoint("ep_1", 443)));
    run(new Command.CreateEndpoint(endpoint("ep_2", 444)));
  }

  @Test
  void createGroup_stampsTimes_andRejectsDuplicateNamesAndUnknownEndpoints() {
    assertThat(run(new Command.CreateGroup(group("grp_1", "eu", List.of("ep_1"), null))).ok())
        .isTrue();
    assertThat(state.groups().get("grp_1").createdAt()).isEqualTo(T0.plusSeconds(3));
    State before = state;
    Result dup = run(new Command.CreateGroup(group("grp_2", "eu", List.of(), null)));
    assertThat(dup.error()).isEqualTo(ErrorKind.CONFLICT);
    assertThat(dup.field()).isEqualTo("name");
    Result unknown = run(new Command.CreateGroup(group("grp_3", "us", List.of("ep_x"), null)));
    assertThat(unknown.error()).isEqualTo(ErrorKind.INVALID);
    assertThat(unknown.field()).isEqualTo("endpoint_ids");
    assertThat(state.groups()).isEqualTo(before.groups());
  }

  @Test
  void updateGroup_changesOnlyGivenFields_andRemovesTheSelectorWhenAsked() {
    GroupSelector sel = new GroupSelector(List.of(Protocol.VLESS), Map.of("region", "eu"), null);
    run(new Command.CreateGroup(group("grp_1", "eu", List.of("ep_1"), sel)));
    run(new Command.CreateGroup(group("grp_2", "us", List.of(), null)));
    assertThat(
            run(new Command.UpdateGroup("grp_1", null, "Europe", List.of("ep_2"), false, null))
                .ok())
        .isTrue();
    Group g = state.groups().get("grp_1");
    assertThat(g.name()).isEqualTo("eu");
    assertThat(g.description()).isEqualTo("Europe");
    assertThat(g.endpointIds()).containsExactly("ep_2");
    assertThat(g.selector()).isEqualTo(sel);
    assertThat(run(new Command.UpdateGroup("grp_1", "us", null, null, false, null)).error())
        .isEqualTo(ErrorKind.CONFLICT);
    assertThat(run(new Command.UpdateGroup("grp_x", "x", null, null, false, null)).error())
        .isEqualTo(ErrorKind.NOT_FOUND);
    run(new Command.UpdateGroup("grp_1", null, null, null, true, null));
    assertThat(state.groups().get("grp_1").selector()).isNull();
  }

  @Test
  void userGroups_mustExist_andTheMembershipIndexFollowsCreateUpdateAndDelete() {
    run(new Command.CreateGroup(group("grp_1", "eu", List.of(), null)));
    run(new Command.CreateGroup(group("grp_2", "us", List.of(), null)));
    Result unknown = run(new Command.CreateUser(member("usr_1", "a", List.of("grp_x"))));
    assertThat(unknown.error()).isEqualTo(ErrorKind.INVALID);
    assertThat(unknown.field()).isEqualTo("group_ids");
    assertThat(state.users()).isEmpty();

    run(new Command.CreateUser(member("usr_1", "a", List.of("grp_2", "grp_1", "grp_1"))));
    run(new Command.CreateUser(member("usr_2", "b", List.of("grp_1"))));
    assertThat(state.users().get("usr_1").groupIds()).containsExactly("grp_1", "grp_2");
    assertThat(state.membersOf("grp_1")).containsExactly("usr_1", "usr_2");

    run(Command.UpdateUser.of("usr_1").groupIds(List.of("grp_2")).build());
    assertThat(state.membersOf("grp_1")).containsExactly("usr_2");
    assertThat(state.membersOf("grp_2")).containsExactly("usr_1");
    assertThat(run(Command.UpdateUser.of("usr_1").groupIds(List.of("grp_x")).build()).error())
        .isEqualTo(ErrorKind.INVALID);
    assertThat(state.users().get("usr_1").groupIds()).containsExactly("grp_2");

    run(new Command.DeleteUser("usr_2"));
    assertThat(state.membersOf("grp_1")).isEmpty();
  }

  @Test
  void deleteGroup_takesItOutOfEveryMember() {
    run(new Command.CreateGroup(group("grp_1", "eu", List.of("ep_1"), null)));
    run(new Command.CreateGroup(group("grp_2", "us", List.of(), null)));
    run(new Command.CreateUser(member("usr_1", "a", List.of("grp_1", "grp_2"))));
    run(new Command.CreateUser(member("usr_2", "b", List.of("grp_1"))));
    run(new Command.CreateUser(member("usr_3", "c", List.of())));
    User untouched = state.users().get("usr_3");
    assertThat(run(new Command.DeleteGroup("grp_1")).ok()).isTrue();
    assertThat(state.groups()).containsOnlyKeys("grp_2");
    assertThat(state.users().get("usr_1").groupIds()).containsExactly("grp_2");
    assertThat(state.users().get("usr_2").groupIds()).isEmpty();
    assertThat(state.users().get("usr_3")).isSameAs(untouched);
    assertThat(state.membersOf("grp_1")).isEmpty();
  }

  @Test
  void deleteEndpoint_leavesTheGroupsThatListIt() {
    run(new Command.CreateGroup(group("grp_1", "eu", List.of("ep_1", "ep_2"), null)));
    run(new Command.DeleteEndpoint("ep_1"));
    assertThat(state.groups().get("grp_1").endpointIds()).containsExactly("ep_2");
  }

  @Test
  void updateEndpoint_setsLabels_andKeepsThemWhenNotGiven() {
    run(new Command.UpdateEndpoint("ep_1", null, null, null, null, null, Map.of("tier", "gold")));
    assertThat(state.endpoints().get("ep_1").labels()).containsExactly(Map.entry("tier", "gold"));
    run(new Command.UpdateEndpoint("ep_1", "renamed", null, null, null));
    assertThat(state.endpoints().get("ep_1").labels()).containsExactly(Map.entry("tier", "gold"));
    run(new Command.UpdateEndpoint("ep_1", null, null, null, null, null, Map.of()));
    assertThat(state.endpoints().get("ep_1").labels()).isEmpty();
  }

  @Test
  void rotateCredentials_replacesThem_andAnUnknownUserIsNotFound() {
    run(new Command.CreateUser(user("usr_1", "a", 0)));
    assertThat(state.users().get("usr_1").credentials()).isNull();
    assertThat(run(new Command.RotateCredentials("usr_1", CREDS)).ok()).isTrue();
    assertThat(state.users().get("usr_1").credentials()).isEqualTo(CREDS);
    assertThat(state.audit().all().getLast().summary()).doesNotContain("trojan-pass");
    assertThat(run(new Command.RotateCredentials("usr_x", CREDS)).error())
        .isEqualTo(ErrorKind.NOT_FOUND);
    UserCredentials other = new UserCredentials("a", "b", "c", "d");
    run(Command.UpdateUser.of("usr_1").credentials(other).build());
    assertThat(state.users().get("usr_1").credentials()).isEqualTo(other);
  }

  @Test
  void snapshot_roundTripsGroupsAndLabels_andDerivesTheMembershipIndex() throws Exception {
    run(
        new Command.CreateGroup(
            group(
                "grp_1",
                "eu",
                List.of("ep_1"),
                new GroupSelector(List.of(Protocol.TROJAN), null, Map.of("b", "2", "a", "1")))));
    run(new Command.CreateUser(member("usr_1", "a", List.of("grp_1"))));
    run(
        new Command.UpdateEndpoint(
            "ep_2", null, null, null, null, null, Map.of("z", "9", "k", "v")));
    State back = SnapshotCodec.decode(SnapshotCodec.encode(state), 100);
    assertThat(back.groups()).isEqualTo(state.groups());
    assertThat(back.users()).isEqualTo(state.users());
    assertThat(back.endpoints()).isEqualTo(state.endpoints());
    assertThat(back.membersOf("grp_1")).containsExactly("usr_1");
    assertThat(SnapshotCodec.digest(back)).isEqualTo(SnapshotCodec.digest(state));
  }

  @Test
  void recordsWithoutTheNewFields_readAndWriteAsBefore() throws Exception {
    User u = user("usr_1", "a", 0).toBuilder().created(T0).build();
    String json = Json.mapper().writeValueAsString(u);
    assertThat(json).doesNotContain("credentials").doesNotContain("group_ids");
    assertThat(Json.mapper().readValue(json, User.class)).isEqualTo(u);
    String withBoth = Json.mapper().writeValueAsString(member("usr_2", "b", List.of("g")));
    assertThat(withBoth).contains("\"group_ids\":[\"g\"]").contains("\"vmess_uuid\"");
    assertThat(Json.mapper().readValue(withBoth, User.class).credentials()).isEqualTo(CREDS);
    String ep = Json.mapper().writeValueAsString(endpoint("ep_9", 1));
    assertThat(ep).doesNotContain("labels");
  }
}
