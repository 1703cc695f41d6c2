package io.raftray.cluster;

import static io.raftray.cluster.AuthFixture.identity;
import static io.raftray.cluster.AuthFixture.node;
import static io.raftray.cluster.AuthFixture.state;
import static org.assertj.core.api.Assertions.assertThat;

import io.raftray.cluster.ClusterAuth.Outcome;
import io.raftray.cluster.ClusterAuth.Request;
import io.raftray.cluster.ClusterAuth.Verdict;
import io.raftray.model.Node;
import io.raftray.model.NodeStatus;
import io.raftray.pki.ClusterCa;
import io.raftray.pki.ForgedCertificates;
import io.raftray.pki.NodeIdentity;
import io.raftray.state.State;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A sender this node's state does not know (it joined while this node was down) is accepted only
 * when a member this node knows answers with a record for it that carries the presented
 * certificate's serial and key, is not removed and whose serial is not denied; the sender is never
 * asked about itself, and nothing is asked before its signature verified.
 */
@Timeout(30)
class ClusterAuthVouchingTest {
  private static final ClusterCa CA = ClusterCa.create(AuthFixture.CLUSTER);
  private static final NodeIdentity N1 = identity(CA, "node-1");
  private static final NodeIdentity N2 = identity(CA, "node-2");
  private static final NodeIdentity N4 = identity(CA, "node-4");
  private static final String PATH = "/cluster/v1/raft";
  private static final byte[] BODY = "append entries".getBytes(StandardCharsets.UTF_8);

  private final AuthFixture.MutableClock clock = new AuthFixture.MutableClock();
  private final AtomicReference<State> state =
      new AtomicReference<>(state(CA, node(N1, NodeStatus.ACTIVE), node(N2, NodeStatus.ACTIVE)));

  /** What the (fake) member node-2 answers, and who was asked what. */
  private final AtomicReference<List<MemberLookup.Reply>> replies = new AtomicReference<>();

  private final List<String> asked = Collections.synchronizedList(new ArrayList<>());
  private final ClusterAuth auth =
      new ClusterAuth(
          state::get,
          N1,
          List.of("node-1", "node-2"),
          Duration.ofSeconds(60),
          clock,
          new NonceCache(1000),
          (nodeId, serial, exclude) -> {
            asked.add(nodeId + " excluding " + exclude);
            return replies.get();
          });

  private static MemberLookup.Reply says(Node n, boolean revoked) {
    return new MemberLookup.Reply(
        "node-2",
        "node-2",
        200,
        new MemberLookup.Answer(
            n.id(),
            true,
            n.status().name().toLowerCase(java.util.Locale.ROOT),
            n.certSerial(),
            n.certificatePem(),
            revoked,
            42),
        "ok");
  }

  private Outcome verify(NodeIdentity sender) {
    Map<String, String> h =
        new NodeRequestSigner(sender, clock).headers("POST", PATH, "node-1", BODY);
    return auth.verify(new Request("POST", PATH, h, BODY, List.of(), "192.0.2.7:1"));
  }

  @Test
  void unknownSender_recordConfirmedByAKnownMember_accepted_andCached() {
    replies.set(List.of(says(node(N4, NodeStatus.ACTIVE), false)));
    assertThat(verify(N4).verdict()).isEqualTo(Verdict.ACCEPTED);
    assertThat(verify(N4).verdict()).isEqualTo(Verdict.ACCEPTED);
    assertThat(asked).containsExactly("node-4 excluding [node-4]");
  }

  @Test
  void unknownSender_removedRevokedOrUnknownAtTheMember_forbidden() {
    replies.set(List.of(says(node(N4, NodeStatus.REMOVED), true)));
    assertThat(verify(N4).reason()).isEqualTo("node was removed");

    clock.advance(Duration.ofSeconds(6));
    replies.set(List.of(says(node(N4, NodeStatus.ACTIVE), true)));
    assertThat(verify(N4).reason()).isEqualTo("certificate was revoked");

    clock.advance(Duration.ofSeconds(6));
    replies.set(
        List.of(
            new MemberLookup.Reply(
                "node-2",
                "node-2",
                200,
                new MemberLookup.Answer("node-4", false, null, null, null, false, 42),
                "ok")));
    Outcome o = verify(N4);
    assertThat(o.verdict()).isEqualTo(Verdict.FORBIDDEN);
    assertThat(o.reason()).isEqualTo("unknown node");
  }

  @Test
  void unknownSender_certificateMintedWithTheRecordedSerialButAnotherKey_forbidden() {
    // A removed node with its copy of the CA key mints node-4's serial with its own key.
    replies.set(List.of(says(node(N4, NodeStatus.ACTIVE), false)));
    NodeIdentity forged =
        ForgedCertificates.identity(CA, "node-4", N4.nodeCert().getSerialNumber());
    Outcome o = verify(forged);
    assertThat(o.verdict()).isEqualTo(Verdict.FORBIDDEN);
    assertThat(o.reason()).isEqualTo("certificate key is not the one recorded for the node");
    // Another serial than the recorded one (superseded, or minted).
    assertThat(verify(identity(CA, "node-4")).reason())
        .isEqualTo("certificate is not the one recorded for the node");
  }

  @Test
  void unknownSender_noMemberAnswers_forbiddenAndAskedAgainOnlyLater() {
    replies.set(List.of(new MemberLookup.Reply("node-2", "node-2", 0, null, "no answer: refused")));
    Outcome o = verify(N4);
    assertThat(o.verdict()).isEqualTo(Verdict.FORBIDDEN);
    assertThat(o.reason()).startsWith("unknown node; no known member answered");
    verify(N4);
    assertThat(asked).hasSize(1);
    clock.advance(Duration.ofSeconds(6));
    replies.set(List.of(says(node(N4, NodeStatus.ACTIVE), false)));
    assertThat(verify(N4).verdict()).isEqualTo(Verdict.ACCEPTED);
    assertThat(asked).hasSize(2);
  }

  @Test
  void deniedSerialInTheLocalState_refusedWithoutAsking() {
    String serial = N4.nodeCert().getSerialNumber().toString(16);
    state.set(
        state.get().toBuilder()
            .revokedSerials(Collections.unmodifiableNavigableSet(new TreeSet<>(Set.of(serial))))
            .build());
    replies.set(List.of(says(node(N4, NodeStatus.ACTIVE), false)));
    assertThat(verify(N4).reason()).isEqualTo("certificate was revoked");
    assertThat(asked).isEmpty();
  }

  @Test
  void badSignatureOrForeignCa_refusedWithoutAsking() {
    replies.set(List.of(says(node(N4, NodeStatus.ACTIVE), false)));
    Map<String, String> h = new NodeRequestSigner(N4, clock).headers("POST", PATH, "node-1", BODY);
    byte[] other = "other body".getBytes(StandardCharsets.UTF_8);
    Outcome bad = auth.verify(new Request("POST", PATH, h, other, List.of(), "192.0.2.7:1"));
    assertThat(bad.reason()).isEqualTo("bad signature");
    NodeIdentity foreign = identity(ClusterCa.create(AuthFixture.CLUSTER), "node-4");
    assertThat(verify(foreign).reason()).isEqualTo("certificate not issued by the cluster ca");
    assertThat(asked).isEmpty();
  }

  @Test
  void knownSenderRenewedWhileThisNodeWasDown_confirmedByAnotherMember_accepted() {
    NodeIdentity renewed = identity(CA, "node-2");
    replies.set(List.of(says(node(renewed, NodeStatus.ACTIVE), false)));
    assertThat(verify(renewed).verdict()).isEqualTo(Verdict.ACCEPTED);
    assertThat(asked).containsExactly("node-2 excluding [node-2]");
    // The certificate recorded here still works without asking.
    assertThat(verify(N2).verdict()).isEqualTo(Verdict.ACCEPTED);
    assertThat(asked).hasSize(1);
    // A certificate minted for node-2 with a new serial: the member's record has another one.
    Outcome minted = verify(identity(CA, "node-2"));
    assertThat(minted.verdict()).isEqualTo(Verdict.FORBIDDEN);
    assertThat(minted.reason()).isEqualTo("certificate is not the one recorded for the node");
  }

  @Test
  void knownSenderWithAnotherCertificate_noMemberAnswers_refusedAsBefore() {
    replies.set(List.of());
    Outcome o = verify(identity(CA, "node-2"));
    assertThat(o.verdict()).isEqualTo(Verdict.FORBIDDEN);
    assertThat(o.reason()).startsWith("certificate is not the one recorded for the node");
  }

  @Test
  void verifyKnown_neverAsks() {
    replies.set(List.of(says(node(N4, NodeStatus.ACTIVE), false)));
    Map<String, String> h = new NodeRequestSigner(N4, clock).headers("POST", PATH, "node-1", BODY);
    Outcome o = auth.verifyKnown(new Request("POST", PATH, h, BODY, List.of(), "192.0.2.7:1"));
    assertThat(o.reason()).isEqualTo("unknown node");
    assertThat(asked).isEmpty();
  }
}
