package io.raftray.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import org.apache.ratis.proto.RaftProtos.RaftRpcReplyProto;
import org.apache.ratis.proto.RaftProtos.RaftRpcRequestProto;
import org.apache.ratis.proto.netty.NettyProtos.RaftNettyExceptionReplyProto;
import org.apache.ratis.proto.netty.NettyProtos.RaftNettyServerReplyProto;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.thirdparty.com.google.protobuf.InvalidProtocolBufferException;
import org.apache.ratis.util.ProtoUtils;

/**
 * Encoding shared by both ends: exception replies carry a Java-serialized {@link IOException}, as
 * in Ratis' netty transport, so Ratis sees its own exception types (NotLeaderException, ...).
 *
 * <p>Deserialization is restricted by an allow-list filter: only JDK core and Ratis classes, with
 * depth, reference and size limits, so a hostile peer cannot instantiate arbitrary classes.
 */
final class RaftWire {
  private static final ObjectInputFilter EXCEPTION_FILTER =
      ObjectInputFilter.Config.createFilter(
          "maxdepth=32;maxrefs=20000;maxbytes=4194304;maxarray=100000;"
              + "java.lang.*;java.util.*;java.io.*;java.net.*;java.time.*;"
              + "org.apache.ratis.protocol.**;org.apache.ratis.util.*;org.apache.ratis.proto.**;"
              + "org.apache.ratis.server.**;org.apache.ratis.thirdparty.com.google.protobuf.*;!*");

  private RaftWire() {}

  static RaftNettyServerReplyProto parseReply(byte[] body) throws IOException {
    final RaftNettyServerReplyProto reply;
    try {
      reply = RaftNettyServerReplyProto.parseFrom(body);
    } catch (InvalidProtocolBufferException e) {
      throw new IOException("malformed raft reply", e);
    }
    if (reply.hasExceptionReply()) {
      throw toException(reply.getExceptionReply());
    }
    return reply;
  }

  static RaftNettyExceptionReplyProto exceptionReply(RaftRpcRequestProto request, IOException e) {
    RaftRpcReplyProto.Builder rpc =
        RaftRpcReplyProto.newBuilder()
            .setRequestorId(request.getRequestorId())
            .setReplyId(request.getReplyId())
            .setCallId(request.getCallId())
            .setSuccess(false);
    if (request.hasRaftGroupId()) {
      rpc.setRaftGroupId(request.getRaftGroupId());
    }
    return RaftNettyExceptionReplyProto.newBuilder()
        .setRpcReply(rpc)
        .setException(serialize(e))
        .build();
  }

  /**
   * Some Ratis exceptions hold non-serializable fields (NotLeaderException holds RaftPeers); those
   * degrade to a plain IOException naming the original type, which Ratis treats as retriable.
   */
  private static ByteString serialize(IOException e) {
    try {
      return ProtoUtils.writeObject2ByteString(e);
    } catch (RuntimeException notSerializable) {
      return ProtoUtils.writeObject2ByteString(
          new IOException(e.getClass().getName() + ": " + e.getMessage()));
    }
  }

  static IOException toException(RaftNettyExceptionReplyProto proto) {
    Object o;
    try {
      o = readObject(proto.getException());
    } catch (IOException | ClassNotFoundException | RuntimeException e) {
      return new IOException("peer sent an undecodable exception", e);
    }
    if (o instanceof IOException ioe) {
      return ioe;
    }
    return new IOException("peer sent a non-IOException: " + (o == null ? null : o.getClass()));
  }

  private static Object readObject(ByteString bytes) throws IOException, ClassNotFoundException {
    try (InputStream in = bytes.newInput();
        ObjectInputStream ois = new ObjectInputStream(in)) {
      ois.setObjectInputFilter(EXCEPTION_FILTER);
      return ois.readObject();
    }
  }
}
