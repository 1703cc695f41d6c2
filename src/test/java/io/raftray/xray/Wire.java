package io.raftray.xray;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.UnknownFieldSet;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Protobuf bytes read by field number only (no schema), so the tests check the numbers the cores
 * expect independently of Raftray's own .proto files. Absent fields read as the proto3 default.
 */
final class Wire {
  private final UnknownFieldSet fields;

  private Wire(UnknownFieldSet fields) {
    this.fields = fields;
  }

  static Wire of(ByteString bytes) {
    try {
      return new Wire(UnknownFieldSet.parseFrom(bytes));
    } catch (InvalidProtocolBufferException e) {
      throw new AssertionError("not a protobuf message", e);
    }
  }

  static Wire of(Message m) {
    return of(m.toByteString());
  }

  /** Field numbers present. */
  Set<Integer> numbers() {
    return fields.asMap().keySet();
  }

  List<ByteString> bytesList(int n) {
    return fields.hasField(n) ? fields.getField(n).getLengthDelimitedList() : List.of();
  }

  ByteString bytes(int n) {
    List<ByteString> l = bytesList(n);
    return l.isEmpty() ? ByteString.EMPTY : l.get(l.size() - 1);
  }

  String str(int n) {
    return bytes(n).toString(StandardCharsets.UTF_8);
  }

  List<String> strs(int n) {
    return bytesList(n).stream().map(b -> b.toString(StandardCharsets.UTF_8)).toList();
  }

  Wire msg(int n) {
    assertThat(fields.hasField(n)).as("field %d present in %s", n, numbers()).isTrue();
    return of(bytes(n));
  }

  List<Wire> msgs(int n) {
    return bytesList(n).stream().map(Wire::of).toList();
  }

  long varint(int n) {
    List<Long> l = varints(n);
    return l.isEmpty() ? 0 : l.get(l.size() - 1);
  }

  /** Repeated varints, packed (proto3 default) or not. */
  List<Long> varints(int n) {
    List<Long> out = new ArrayList<>();
    if (!fields.hasField(n)) {
      return out;
    }
    UnknownFieldSet.Field f = fields.getField(n);
    out.addAll(f.getVarintList());
    for (ByteString packed : f.getLengthDelimitedList()) {
      try {
        CodedInputStream in = packed.newCodedInput();
        while (!in.isAtEnd()) {
          out.add(in.readRawVarint64());
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return out;
  }

  /** This is a TypedMessage of {@code type} (field 1); its value (field 2) decoded. */
  Wire typed(String type) {
    assertThat(str(1)).as("TypedMessage.type").isEqualTo(type);
    return of(bytes(2));
  }

  @Override
  public String toString() {
    return fields.toString();
  }
}
