package io.raftray.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.util.List;
import java.util.Optional;
import org.apache.ratis.proto.RaftProtos.RaftRpcReplyProto;
import org.apache.ratis.proto.RaftProtos.RaftRpcRequestProto;
import org.apache.ratis.proto.netty.NettyProtos.RaftNettyExceptionReplyProto;
import org.apache.ratis.proto.netty.NettyProtos.RaftNettyServerReplyProto;
import org.apache.ratis.proto.netty.NettyProtos.RaftNettyServerRequestProto;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.thirdparty.com.google.protobuf.InvalidProtocolBufferException;
import org.apache.ratis.thirdparty.com.google.protobuf.UnknownFieldSet;
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

  /**
   * Envelope fields (unknown to Ratis' schema, kept by protobuf) that carry the {@link
   * AppendSequencer.Stamp} of a pipelined append: stream and sequence number. They are part of the
   * signed body; a receiver without them in its schema just ignores them.
   */
  static final int STREAM_FIELD = 4201;

  static final int SEQ_FIELD = 4202;

  private RaftWire() {}

  /** {@code envelope} marked as number {@code seq} of the sender's append stream {@code stream}. */
  static RaftNettyServerRequestProto withStamp(
      RaftNettyServerRequestProto envelope, long stream, long seq) {
    UnknownFieldSet fields =
        UnknownFieldSet.newBuilder()
            .addField(STREAM_FIELD, UnknownFieldSet.Field.newBuilder().addVarint(stream).build())
            .addField(SEQ_FIELD, UnknownFieldSet.Field.newBuilder().addVarint(seq).build())
            .build();
    return envelope.toBuilder().setUnknownFields(fields).build();
  }

  /** The stamp of a pipelined append envelope; empty for anything else. */
  static Optional<AppendSequencer.Stamp> stamp(RaftNettyServerRequestProto envelope) {
    if (!envelope.hasAppendEntriesRequest()
        || envelope.getAppendEntriesRequest().getEntriesCount() == 0) {
      return Optional.empty();
    }
    UnknownFieldSet fields = envelope.getUnknownFields();
    if (!fields.hasField(STREAM_FIELD) || !fields.hasField(SEQ_FIELD)) {
      return Optional.empty();
    }
    List<Long> stream = fields.getField(STREAM_FIELD).getVarintList();
    List<Long> seq = fields.getField(SEQ_FIELD).getVarintList();
    if (stream.size() != 1 || seq.size() != 1 || stream.get(0) < 0 || seq.get(0) < 0) {
      return Optional.empty();
    }
    return Optional.of(
        new AppendSequencer.Stamp(
            envelope.getAppendEntriesRequest().getLeaderTerm(), stream.get(0), seq.get(0)));
  }

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
