package io.raftray.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.util.List;
import org.apache.ratis.proto.RaftProtos.AppendEntriesRequestProto;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.proto.RaftProtos.RaftRpcRequestProto;
import org.apache.ratis.proto.netty.NettyProtos.RaftNettyExceptionReplyProto;
import org.apache.ratis.proto.netty.NettyProtos.RaftNettyServerRequestProto;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftGroupMemberId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.exceptions.GroupMismatchException;
import org.apache.ratis.protocol.exceptions.NotLeaderException;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class RaftWireTest {

  @Test
  void toException_groupMismatch_keepsRatisType() {
    GroupMismatchException sent = new GroupMismatchException("n1: group-1 not found");

    IOException received =
        RaftWire.toException(
            RaftWire.exceptionReply(RaftRpcRequestProto.getDefaultInstance(), sent));

    assertThat(received).isInstanceOf(GroupMismatchException.class).hasMessage(sent.getMessage());
  }

  @Test
  void exceptionReply_notSerializableException_degradesToIoExceptionNamingIt() {
    RaftPeer leader = RaftPeer.newBuilder().setId("n2").setAddress("https://127.0.0.1:1").build();
    NotLeaderException sent =
        new NotLeaderException(
            RaftGroupMemberId.valueOf(RaftPeerId.valueOf("n1"), RaftGroupId.randomId()),
            leader,
            List.of(leader));

    IOException received =
        RaftWire.toException(
            RaftWire.exceptionReply(RaftRpcRequestProto.getDefaultInstance(), sent));

    assertThat(received).hasMessageContaining(NotLeaderException.class.getName());
  }

  @Test
  void toException_classOutsideAllowList_isRejected() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(new Gadget());
    }
    RaftNettyExceptionReplyProto proto =
        RaftNettyExceptionReplyProto.newBuilder()
            .setException(ByteString.copyFrom(bytes.toByteArray()))
            .build();

    IOException received = RaftWire.toException(proto);

    assertThat(received).hasMessageContaining("undecodable");
    assertThat(Gadget.constructed).isFalse();
  }

  @Test
  void uri_baseUrlWithPrefix_appendsRoute() throws Exception {
    RaftPeer peer =
        RaftPeer.newBuilder().setId("n1").setAddress("https://proxy.example/prefix/").build();
    assertThat(RaftHttpCaller.uri(peer, RaftHttpCaller.RAFT_ROUTE))
        .hasToString("https://proxy.example/prefix/cluster/v1/raft");
  }

  @Test
  void uri_plainHttp_isRefused() {
    RaftPeer peer = RaftPeer.newBuilder().setId("n1").setAddress("http://10.0.0.1:80").build();
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> RaftHttpCaller.uri(peer, RaftHttpCaller.RAFT_ROUTE))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("no https base url");
  }

  /** Stands for any serializable class a hostile peer might name. */
  static final class Gadget extends IOException {
    static volatile boolean constructed;

    private void readObject(java.io.ObjectInputStream in)
        throws IOException, ClassNotFoundException {
      constructed = true;
      in.defaultReadObject();
    }
  }

  @Test
  void stamp_roundTripsThroughTheEncodedEnvelope_andIsAbsentOnHeartbeatsAndPlainAppends()
      throws Exception {
    AppendEntriesRequestProto append =
        AppendEntriesRequestProto.newBuilder()
            .setLeaderTerm(4)
            .addEntries(LogEntryProto.newBuilder().setTerm(4).setIndex(10))
            .build();
    RaftNettyServerRequestProto plain =
        RaftNettyServerRequestProto.newBuilder().setAppendEntriesRequest(append).build();

    byte[] wire = RaftWire.withStamp(plain, 12, 3).toByteArray();
    RaftNettyServerRequestProto received = RaftNettyServerRequestProto.parseFrom(wire);

    assertThat(RaftWire.stamp(received)).contains(new AppendSequencer.Stamp(4, 12, 3));
    assertThat(received.getAppendEntriesRequest()).isEqualTo(append);
    assertThat(RaftWire.stamp(plain)).isEmpty();
    RaftNettyServerRequestProto heartbeat =
        RaftWire.withStamp(
            RaftNettyServerRequestProto.newBuilder()
                .setAppendEntriesRequest(AppendEntriesRequestProto.newBuilder().setLeaderTerm(4))
                .build(),
            12,
            4);
    assertThat(RaftWire.stamp(heartbeat)).isEmpty();
  }
}
