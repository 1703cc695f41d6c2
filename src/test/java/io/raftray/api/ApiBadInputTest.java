package io.raftray.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.raftray.api.ApiFixture.Resp;
import io.raftray.model.Role;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every bad request gets the right 4xx as problem+json naming the fields, and changes nothing:
 * neither the applied index (nothing reached the log) nor the audit log.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ApiBadInputTest {
  private static final String BIG = "{big}";
  private static final String BIG_CHUNKED = "{big_chunked}";

  private static ApiFixture f;
  private static Map<String, String> vars;
  private static Map<String, String> tokens;

  record Case(
      String name,
      String method,
      String path,
      String who,
      String body,
      int status,
      String... fields) {
    @Override
    public String toString() {
      return name;
    }
  }

  /** One case a line: name | method | path under /api/v1 | who | status | fields | body. */
  private static final String TABLE =
      """
      user name wrong type | POST | /users | owner | 400 | name | {"name":123}
      user name too long | POST | /users | owner | 400 | name | {"name":"{long_name}"}
      user name bad chars | POST | /users | owner | 400 | name | {"name":"a b"}
      user name missing | POST | /users | owner | 400 | name | {}
      user note too long | POST | /users | owner | 400 | note | {"name":"n1","note":"{long_note}"}
      user limit negative | POST | /users | owner | 400 | data_limit_bytes | {"name":"n1","data_limit_bytes":-1}
      user limit above 2^60 | POST | /users | owner | 400 | data_limit_bytes | {"name":"n1","data_limit_bytes":1152921504606846977}
      user limit huge number | POST | /users | owner | 400 | data_limit_bytes | {"name":"n1","data_limit_bytes":1e400}
      user limit as string | POST | /users | owner | 400 | data_limit_bytes | {"name":"n1","data_limit_bytes":"100"}
      user limit fractional | POST | /users | owner | 400 | data_limit_bytes | {"name":"n1","data_limit_bytes":1.5}
      user status derived only | POST | /users | owner | 400 | status | {"name":"n1","status":"limited"}
      user status unknown | POST | /users | owner | 400 | status | {"name":"n1","status":"bogus"}
      user reset strategy unknown | POST | /users | owner | 400 | reset_strategy | {"name":"n1","reset_strategy":"hourly"}
      user expire_at not a time | POST | /users | owner | 400 | expire_at | {"name":"n1","expire_at":"tomorrow"}
      user expire_at without offset | POST | /users | owner | 400 | expire_at | {"name":"n1","expire_at":"2031-01-01T00:00:00"}
      user unknown field | POST | /users | owner | 400 | colour | {"name":"n1","colour":"red"}
      user all problems at once | POST | /users | owner | 400 | name,status,data_limit_bytes,extra | {"name":"","status":"x","data_limit_bytes":-5,"extra":1}
      malformed JSON | POST | /users | owner | 400 | - | {"name":
      empty body | POST | /users | owner | 400 | - | -
      body is an array | POST | /users | owner | 400 | - | []
      duplicate JSON keys | POST | /users | owner | 400 | - | {"name":"a","name":"b"}
      trailing garbage | POST | /users | owner | 400 | - | {"name":"a"} x
      duplicate user name | POST | /users | owner | 409 | name | {"name":"alice"}
      body over 1 MiB | POST | /users | owner | 413 | - | {big}
      chunked body over 1 MiB | POST | /users | owner | 413 | - | {big_chunked}
      patch user name null | PATCH | /users/{user} | owner | 400 | name | {"name":null}
      patch user rename to taken | PATCH | /users/{user} | owner | 409 | name | {"name":"bob"}
      patch unknown user | PATCH | /users/usr_missing | owner | 404 | - | {"note":"x"}
      get unknown user | GET | /users/usr_missing | owner | 404 | - | -
      delete unknown user | DELETE | /users/usr_missing | owner | 404 | - | -
      action with a body | POST | /users/{user}/reset-usage | owner | 400 | - | {"x":1}
      list bad status filter | GET | /users?status=bogus | owner | 400 | status | -
      list limit zero | GET | /users?limit=0 | owner | 400 | limit | -
      list limit above max | GET | /users?limit=1001 | owner | 400 | limit | -
      list unknown filter | GET | /users?stauts=active | owner | 400 | stauts | -
      list bad consistency | GET | /users?consistency=strong | owner | 400 | consistency | -
      audit bad cursor | GET | /audit?cursor=abc | owner | 400 | cursor | -
      reality on vmess | POST | /endpoints | owner | 400 | security | {"protocol":"vmess","port":1443,"security":"reality","settings":{"server_names":["a.com"],"dest":"a.com:443"}}
      reality over ws | POST | /endpoints | owner | 400 | security | {"protocol":"vless","port":1443,"transport":"ws","security":"reality","settings":{"server_names":["a.com"],"dest":"a.com:443"}}
      flow on ws | POST | /endpoints | owner | 400 | settings.flow | {"protocol":"vless","port":1444,"transport":"ws","settings":{"flow":"xtls-rprx-vision"}}
      port zero | POST | /endpoints | owner | 400 | port | {"protocol":"vmess","port":0}
      port above 65535 | POST | /endpoints | owner | 400 | port | {"protocol":"vmess","port":70000}
      port as string | POST | /endpoints | owner | 400 | port | {"protocol":"vmess","port":"443"}
      protocol unknown | POST | /endpoints | owner | 400 | protocol | {"protocol":"http","port":1445}
      transport unknown | POST | /endpoints | owner | 400 | transport | {"protocol":"vmess","port":1445,"transport":"quic"}
      tls without material | POST | /endpoints | owner | 400 | settings.server_name,settings.certificate_file,settings.key_file | {"protocol":"trojan","port":1446,"security":"tls"}
      ws path without slash | POST | /endpoints | owner | 400 | settings.path | {"protocol":"vmess","port":1447,"transport":"ws","settings":{"path":"ray"}}
      setting of another transport | POST | /endpoints | owner | 400 | settings.path | {"protocol":"vmess","port":1447,"settings":{"path":"/x"}}
      shadowsocks over ws | POST | /endpoints | owner | 400 | transport | {"protocol":"shadowsocks","port":1448,"transport":"ws"}
      shadowsocks bad method | POST | /endpoints | owner | 400 | settings.method | {"protocol":"shadowsocks","port":1448,"settings":{"method":"rc4-md5"}}
      client sets public key | POST | /endpoints | owner | 400 | settings.public_key | {"protocol":"vless","port":1449,"security":"reality","settings":{"server_names":["a.com"],"dest":"a.com:443","public_key":"k"}}
      reality missing dest, bad short id | POST | /endpoints | owner | 400 | settings.dest,settings.short_ids[0] | {"protocol":"vless","port":1449,"security":"reality","settings":{"server_names":["a.com"],"short_ids":["xyz"]}}
      settings not an object | POST | /endpoints | owner | 400 | settings | {"protocol":"vmess","port":1450,"settings":[1]}
      unknown node | POST | /endpoints | owner | 400 | node_id | {"node_id":"node_missing","protocol":"vmess","port":1451}
      bad tag | POST | /endpoints | owner | 400 | tag | {"protocol":"vmess","port":1452,"tag":"Bad Tag"}
      port conflict | POST | /endpoints | owner | 409 | port | {"protocol":"trojan","port":443}
      tag conflict | POST | /endpoints | owner | 409 | tag | {"protocol":"vmess","port":1453,"tag":"vless-443"}
      patch endpoint protocol | PATCH | /endpoints/{ep} | owner | 400 | protocol | {"protocol":"vmess"}
      patch endpoint bad dest | PATCH | /endpoints/{ep} | owner | 400 | settings.dest | {"settings":{"dest":"nope"}}
      patch endpoint port conflict | PATCH | /endpoints/{ep2} | owner | 409 | port | {"port":443}
      patch unknown endpoint | PATCH | /endpoints/ep_missing | owner | 404 | - | {"enabled":false}
      grant unknown references | POST | /grants | owner | 400 | user_id,endpoint_id | {"user_id":"usr_missing","endpoint_id":"ep_missing"}
      grant user id wrong type | POST | /grants | owner | 400 | user_id | {"user_id":5,"endpoint_id":"{ep}"}
      duplicate grant | POST | /grants | owner | 409 | endpoint_id | {"user_id":"{user}","endpoint_id":"{ep}"}
      grant enabled not boolean | PATCH | /grants/{grant} | owner | 400 | enabled | {"enabled":"yes"}
      grant user change | PATCH | /grants/{grant} | owner | 400 | user_id | {"user_id":"{user}"}
      node too many labels | PATCH | /nodes/{node} | owner | 400 | labels | {"labels":{labels33}}
      node bad access host | PATCH | /nodes/{node} | owner | 400 | access_host | {"access_host":"bad host!"}
      remove last node | DELETE | /nodes/{node} | owner | 409 | - | -
      patch unknown node | PATCH | /nodes/node_missing | owner | 404 | - | {"name":"x"}
      token role unknown | POST | /admin-tokens | owner | 400 | role | {"name":"x","role":"root"}
      token role missing | POST | /admin-tokens | owner | 400 | role | {"name":"x"}
      revoke last owner token | DELETE | /admin-tokens/{owner_id} | owner | 409 | - | -
      revoke unknown token | DELETE | /admin-tokens/tok_missing | owner | 404 | - | -
      join token ca_holder not boolean | POST | /join-tokens | owner | 400 | ca_holder | {"ca_holder":"yes"}
      join token ttl and ca_holder bad | POST | /join-tokens | owner | 400 | ttl_seconds,ca_holder | {"ttl_seconds":0,"ca_holder":1}
      group name missing | POST | /groups | owner | 400 | name | {}
      group unknown endpoint | POST | /groups | owner | 400 | endpoint_ids[0] | {"name":"g1","endpoint_ids":["ep_missing"]}
      group endpoint ids not a list | POST | /groups | owner | 400 | endpoint_ids | {"name":"g1","endpoint_ids":"{ep}"}
      group empty selector | POST | /groups | owner | 400 | selector | {"name":"g1","selector":{}}
      group selector bad protocol and labels | POST | /groups | owner | 400 | selector.protocols[0],selector.node_labels | {"name":"g1","selector":{"protocols":["http"],"node_labels":"eu"}}
      group selector unknown key | POST | /groups | owner | 400 | selector.regions | {"name":"g1","selector":{"regions":["eu"]}}
      group unknown field | POST | /groups | owner | 400 | members | {"name":"g1","members":[]}
      duplicate group name | POST | /groups | owner | 409 | name | {"name":"eu"}
      patch group selector not an object | PATCH | /groups/{group} | owner | 400 | selector | {"selector":[1]}
      patch group name null | PATCH | /groups/{group} | owner | 400 | name | {"name":null}
      patch unknown group | PATCH | /groups/grp_missing | owner | 404 | - | {"name":"x"}
      get unknown group | GET | /groups/grp_missing | owner | 404 | - | -
      delete unknown group | DELETE | /groups/grp_missing | owner | 404 | - | -
      viewer creates group | POST | /groups | viewer | 403 | - | {"name":"v"}
      list groups unknown filter | GET | /groups?name=eu | owner | 400 | name | -
      user unknown group | POST | /users | owner | 400 | group_ids[0] | {"name":"n1","group_ids":["grp_missing"]}
      user group ids not a list | POST | /users | owner | 400 | group_ids | {"name":"n1","group_ids":"eu"}
      user bad credentials | POST | /users | owner | 400 | credentials.vmess_uuid,credentials.trojan_password,credentials.color | {"name":"n1","credentials":{"vmess_uuid":"nope","trojan_password":"short","color":"x"}}
      patch user credentials not an object | PATCH | /users/{user} | owner | 400 | credentials | {"credentials":"x"}
      patch user unknown group | PATCH | /users/{user} | owner | 400 | group_ids[1] | {"group_ids":["{group}","grp_missing"]}
      rotate credentials with a body | POST | /users/{user}/rotate-credentials | owner | 400 | - | {"x":1}
      rotate credentials unknown user | POST | /users/usr_missing/rotate-credentials | owner | 404 | - | -
      viewer rotates credentials | POST | /users/{user}/rotate-credentials | viewer | 403 | - | -
      access of unknown user | GET | /users/usr_missing/access | owner | 404 | - | -
      access unknown filter | GET | /users/{user}/access?x=1 | owner | 400 | x | -
      endpoint bad label key | POST | /endpoints | owner | 400 | labels.bad key | {"protocol":"vmess","port":1460,"labels":{"bad key":"v"}}
      patch endpoint labels not an object | PATCH | /endpoints/{ep} | owner | 400 | labels | {"labels":[1]}
      grant credential not a uuid | POST | /grants | owner | 400 | credential | {"user_id":"{user}","endpoint_id":"{ep2}","credential":"not-a-uuid"}
      grant credential change | PATCH | /grants/{grant} | owner | 400 | credential | {"credential":"x"}
      user unknown template | POST | /users | owner | 400 | template_id | {"name":"n1","template_id":"utp_missing"}
      patch user template id | PATCH | /users/{user} | owner | 400 | template_id | {"template_id":"{template}"}
      list bad expire_before | GET | /users?expire_before=soon | owner | 400 | expire_before | -
      list bad used_over | GET | /users?used_over=-1 | owner | 400 | used_over | -
      template name missing | POST | /user-templates | owner | 400 | name | {}
      template bad fields | POST | /user-templates | owner | 400 | data_limit_bytes,expire_seconds,reset_strategy,on_hold,on_hold_expire_seconds,x | {"name":"t2","data_limit_bytes":-1,"expire_seconds":"1d","reset_strategy":"hourly","on_hold":"yes","on_hold_expire_seconds":-5,"x":1}
      template name taken | POST | /user-templates | owner | 409 | name | {"name":"basic"}
      patch template bad limit | PATCH | /user-templates/{template} | owner | 400 | data_limit_bytes | {"data_limit_bytes":1.5}
      patch unknown template | PATCH | /user-templates/utp_missing | owner | 404 | - | {"note":"x"}
      get unknown template | GET | /user-templates/utp_missing | owner | 404 | - | -
      delete unknown template | DELETE | /user-templates/utp_missing | owner | 404 | - | -
      viewer creates template | POST | /user-templates | viewer | 403 | - | {"name":"v"}
      batch users missing | POST | /users/batch | owner | 400 | users | {}
      batch users not a list | POST | /users/batch | owner | 400 | users | {"users":{"name":"x"}}
      batch empty | POST | /users/batch | owner | 400 | users | {"users":[]}
      batch unknown field | POST | /users/batch | owner | 400 | users,extra | {"users":{},"extra":1}
      batch item problems | POST | /users/batch | owner | 400 | users[0].name,users[1],users[2].data_limit_bytes,users[2].template_id | {"users":[{"name":"a b"},"x",{"name":"ok","data_limit_bytes":-1,"template_id":"utp_missing"}]}
      batch name taken and twice | POST | /users/batch | owner | 409 | users[0].name,users[2].name | {"users":[{"name":"alice"},{"name":"c1"},{"name":"c1"}]}
      batch over 1000 | POST | /users/batch | owner | 413 | users | {batch1001}
      viewer batch | POST | /users/batch | viewer | 403 | - | {"users":[{"name":"v"}]}
      bulk action missing | POST | /users/bulk | owner | 400 | action | {"ids":["{user}"]}
      bulk action unknown | POST | /users/bulk | owner | 400 | action | {"action":"explode","ids":["{user}"]}
      bulk neither ids nor filter | POST | /users/bulk | owner | 400 | ids | {"action":"disable"}
      bulk both ids and filter | POST | /users/bulk | owner | 400 | filter | {"action":"disable","ids":["{user}"],"filter":{}}
      bulk unknown id | POST | /users/bulk | owner | 400 | ids[1] | {"action":"disable","ids":["{user}","usr_missing"]}
      bulk empty ids | POST | /users/bulk | owner | 400 | ids | {"action":"disable","ids":[]}
      bulk bad filter | POST | /users/bulk | owner | 400 | filter.status,filter.used_over,filter.expire_before,filter.colour | {"action":"disable","filter":{"status":"gone","used_over":-1,"expire_before":"soon","colour":"red"}}
      bulk filter not an object | POST | /users/bulk | owner | 400 | filter | {"action":"disable","filter":"all"}
      bulk extend without seconds | POST | /users/bulk | owner | 400 | seconds | {"action":"extend","ids":["{user}"]}
      bulk extend with bytes | POST | /users/bulk | owner | 400 | bytes | {"action":"extend","ids":["{user}"],"seconds":1,"bytes":1}
      bulk add_data negative | POST | /users/bulk | owner | 400 | bytes | {"action":"add_data","ids":["{user}"],"bytes":-1}
      bulk disable with seconds | POST | /users/bulk | owner | 400 | seconds | {"action":"disable","ids":["{user}"],"seconds":5}
      bulk dry_run not boolean | POST | /users/bulk | owner | 400 | dry_run | {"action":"disable","ids":["{user}"],"dry_run":"yes"}
      bulk add_groups unknown group | POST | /users/bulk | owner | 400 | group_ids[0] | {"action":"add_groups","ids":["{user}"],"group_ids":["grp_missing"]}
      bulk add_groups without groups | POST | /users/bulk | owner | 400 | group_ids | {"action":"add_groups","ids":["{user}"]}
      bulk disable with groups | POST | /users/bulk | owner | 400 | group_ids | {"action":"disable","ids":["{user}"],"group_ids":["grp_x"]}
      template unknown group | POST | /user-templates | owner | 400 | group_ids[0] | {"name":"t3","group_ids":["grp_missing"]}
      viewer bulk | POST | /users/bulk | viewer | 403 | - | {"action":"disable","filter":{}}
      user hwid limit negative | POST | /users | owner | 400 | hwid_device_limit | {"name":"n1","hwid_device_limit":-1}
      user hwid limit over cap | POST | /users | owner | 400 | hwid_device_limit | {"name":"n1","hwid_device_limit":101}
      user hwid limit as string | POST | /users | owner | 400 | hwid_device_limit | {"name":"n1","hwid_device_limit":"2"}
      patch user hwid limit fractional | PATCH | /users/{user} | owner | 400 | hwid_device_limit | {"hwid_device_limit":1.5}
      batch user hwid limit bad | POST | /users/batch | owner | 400 | users[0].hwid_device_limit | {"users":[{"name":"b1","hwid_device_limit":-2}]}
      list bad online_since | GET | /users?online_since=yesterday | owner | 400 | online_since | -
      list bad sort | GET | /users?sort=email | owner | 400 | sort | -
      list sort cursor of another sort | GET | /users?sort=name&cursor=usr_x | owner | 400 | cursor | -
      qr of unknown user | GET | /users/usr_missing/subscription-qr | owner | 404 | - | -
      bulk bad online_since | POST | /users/bulk | owner | 400 | filter.online_since | {"action":"disable","filter":{"online_since":"soon"}}
      bulk null online_since | POST | /users/bulk | owner | 400 | filter.online_since | {"action":"disable","filter":{"online_since":null}}
      devices of unknown user | GET | /users/usr_missing/devices | owner | 404 | - | -
      devices unknown filter | GET | /users/{user}/devices?x=1 | owner | 400 | x | -
      delete unknown device | DELETE | /users/{user}/devices/nope | owner | 404 | - | -
      delete device of unknown user | DELETE | /users/usr_missing/devices/nope | owner | 404 | - | -
      viewer deletes device | DELETE | /users/{user}/devices/nope | viewer | 403 | - | -
      stats unknown filter | GET | /stats/users?x=1 | owner | 400 | x | -
      settings unknown field | PATCH | /settings | owner | 400 | colour | {"colour":"red"}
      settings all problems at once | PATCH | /settings | owner | 400 | audit_retention,hwid_device_limit,hwid_required | {"audit_retention":5,"hwid_device_limit":-1,"hwid_required":"yes"}
      settings hwid limit over cap | PATCH | /settings | owner | 400 | hwid_device_limit | {"hwid_device_limit":1000}
      settings null limit | PATCH | /settings | owner | 400 | hwid_device_limit | {"hwid_device_limit":null}
      viewer patches settings | PATCH | /settings | viewer | 403 | - | {"hwid_required":true}
      missing auth | GET | /users | none | 401 | - | -
      bad token | GET | /users | bad | 401 | - | -
      viewer writes | POST | /users | viewer | 403 | - | {"name":"v"}
      viewer deletes | DELETE | /users/{user} | viewer | 403 | - | -
      admin lists tokens | GET | /admin-tokens | admin | 403 | - | -
      admin creates token | POST | /admin-tokens | admin | 403 | - | {"name":"x","role":"owner"}
      unknown route | GET | /nope | owner | 404 | - | -
      wrong method | PUT | /users | owner | 405 | - | {}
      """;

  static Stream<Case> cases() {
    return TABLE
        .lines()
        .map(
            line -> {
              String[] c = line.split(" \\| ", 7);
              String[] fields = c[5].equals("-") ? new String[0] : c[5].split(",");
              String body = c[6].equals("-") ? null : c[6];
              return new Case(
                  c[0], c[1], "/api/v1" + c[2], c[3], body, Integer.parseInt(c[4]), fields);
            });
  }

  @BeforeAll
  static void setUp() {
    f = ApiFixture.start();
    String alice = f.post("/api/v1/users", "{\"name\":\"alice\"}").json().get("id").asText();
    f.post("/api/v1/users", "{\"name\":\"bob\"}");
    String ep =
        f.post(
                "/api/v1/endpoints",
                "{\"protocol\":\"vless\",\"port\":443,\"security\":\"reality\","
                    + "\"settings\":{\"server_names\":[\"a.com\"],\"dest\":\"a.com:443\"}}")
            .json()
            .get("id")
            .asText();
    String ep2 =
        f.post("/api/v1/endpoints", "{\"protocol\":\"vmess\",\"port\":80}")
            .json()
            .get("id")
            .asText();
    String grant =
        f.post("/api/v1/grants", ApiEndpointsGrantsTest.grant(alice, ep)).json().get("id").asText();
    String group = f.post("/api/v1/groups", "{\"name\":\"eu\"}").json().get("id").asText();
    String template =
        f.post("/api/v1/user-templates", "{\"name\":\"basic\"}").json().get("id").asText();
    vars =
        Map.ofEntries(
            Map.entry("{template}", template),
            Map.entry("{group}", group),
            Map.entry("{batch1001}", batch1001()),
            Map.entry("{user}", alice),
            Map.entry("{ep}", ep),
            Map.entry("{ep2}", ep2),
            Map.entry("{grant}", grant),
            Map.entry("{node}", ApiFixture.NODE_ID),
            Map.entry("{owner_id}", f.ownerId),
            Map.entry("{long_name}", "n".repeat(65)),
            Map.entry("{long_note}", "x".repeat(1001)),
            Map.entry("{labels33}", labels(33)));
    tokens =
        Map.of(
            "owner",
            f.owner,
            "viewer",
            f.token(Role.VIEWER),
            "admin",
            f.token(Role.ADMIN),
            "bad",
            "rrt_tok_x.forged");
  }

  @AfterAll
  static void tearDown() {
    f.close();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void badRequest_isRefusedWithProblem_andChangesNothing(Case k) {
    long index = f.view().appliedIndex();
    int audit = f.view().audit().size();
    String path = fill(k.path());
    String token = tokens.get(k.who());
    Resp r;
    if (BIG.equals(k.body())) {
      r = f.sendRaw(k.method(), path, token, HttpRequest.BodyPublishers.ofByteArray(big()));
    } else if (BIG_CHUNKED.equals(k.body())) {
      r = f.sendChunked(k.method(), path, token, big());
    } else {
      r = f.send(k.method(), path, token, k.body() == null ? null : fill(k.body()));
    }
    assertThat(r.status()).as(r.body()).isEqualTo(k.status());
    assertThat(r.header("Content-Type")).isEqualTo("application/problem+json");
    assertThat(r.header("X-Raftray-Applied-Index")).isEqualTo(Long.toString(index));
    JsonNode p = r.json();
    assertThat(p.get("status").asInt()).isEqualTo(k.status());
    assertThat(p.get("type").asText()).startsWith("urn:raftray:problem:");
    assertThat(p.get("title").asText()).isNotBlank();
    assertThat(p.get("detail").asText()).isNotBlank();
    if (k.fields().length > 0) {
      List<String> fields = new ArrayList<>();
      p.get("errors").forEach(x -> fields.add(x.get("field").asText()));
      assertThat(fields).as(r.body()).containsExactlyInAnyOrder(k.fields());
      p.get("errors").forEach(x -> assertThat(x.get("message").asText()).isNotBlank());
    }
    assertThat(f.view().appliedIndex()).isEqualTo(index);
    assertThat(f.view().audit().size()).isEqualTo(audit);
  }

  private static String fill(String s) {
    String out = s;
    for (Map.Entry<String, String> v : vars.entrySet()) {
      out = out.replace(v.getKey(), v.getValue());
    }
    return out;
  }

  private static byte[] big() {
    byte[] b = new byte[2 * 1024 * 1024];
    Arrays.fill(b, (byte) ' ');
    b[0] = '{';
    b[b.length - 1] = '}';
    return b;
  }

  private static String batch1001() {
    StringBuilder sb = new StringBuilder("{\"users\":[");
    for (int i = 0; i < 1001; i++) {
      sb.append(i == 0 ? "" : ",").append("{\"name\":\"b").append(i).append("\"}");
    }
    return sb.append("]}").toString();
  }

  private static String labels(int n) {
    StringBuilder sb = new StringBuilder("{");
    for (int i = 0; i < n; i++) {
      sb.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":\"v\"");
    }
    return sb.append('}').toString();
  }
}
