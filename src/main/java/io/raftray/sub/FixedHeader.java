package io.raftray.sub;

import io.helidon.common.GenericType;
import io.helidon.common.mapper.Value;
import io.helidon.http.Header;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * A response header of a cached document: validated once when the document is rendered, its value
 * bytes encoded once. Helidon validates every response header and encodes its value on every write,
 * and copies a writable header into each response; a cached document sends the same headers
 * thousands of times a second (about 6% of a {@code /sub} fetch's CPU in a JFR of {@code
 * bench/sub.sh}). This header is not writable, so Helidon keeps the object instead of copying it,
 * {@link #validate()} has nothing left to check, and the HTTP/1 line ({@code Name: value\r\n}) is
 * written as one array.
 */
final class FixedHeader implements Header {
  private final Header delegate;
  private final byte[] http1Line;

  /**
   * @throws IllegalArgumentException when the name is not an HTTP token or the value holds a
   *     character a header value may not (CR, LF, other controls)
   */
  FixedHeader(String name, String value) {
    this.delegate = HeaderValues.create(HeaderNames.create(name), value);
    delegate.validate();
    byte[] valueBytes = delegate.valueBytes();
    byte[] n = delegate.headerName().nameBytes();
    byte[] line = new byte[n.length + 2 + valueBytes.length + 2];
    System.arraycopy(n, 0, line, 0, n.length);
    line[n.length] = ':';
    line[n.length + 1] = ' ';
    System.arraycopy(valueBytes, 0, line, n.length + 2, valueBytes.length);
    line[line.length - 2] = '\r';
    line[line.length - 1] = '\n';
    this.http1Line = line;
  }

  /** Checked in the constructor: an instance is valid for its whole life. */
  @Override
  public void validate() {}

  @Override
  public byte[] valueBytes() {
    return delegate.valueBytes();
  }

  @Override
  public void writeHttp1Header(io.helidon.common.buffers.BufferData buffer) {
    buffer.write(http1Line);
  }

  @Override
  public String name() {
    return delegate.name();
  }

  @Override
  public HeaderName headerName() {
    return delegate.headerName();
  }

  @Override
  public List<String> allValues() {
    return delegate.allValues();
  }

  @Override
  public int valueCount() {
    return delegate.valueCount();
  }

  @Override
  public boolean sensitive() {
    return delegate.sensitive();
  }

  @Override
  public boolean changing() {
    return delegate.changing();
  }

  @Override
  public String get() {
    return delegate.get();
  }

  @Override
  public <N> Value<N> as(Class<N> type) {
    return delegate.as(type);
  }

  @Override
  public <N> Value<N> as(GenericType<N> type) {
    return delegate.as(type);
  }

  @Override
  public <N> Value<N> as(Function<? super String, ? extends N> mapper) {
    return delegate.as(mapper);
  }

  @Override
  public Optional<String> asOptional() {
    return delegate.asOptional();
  }

  @Override
  public Value<Boolean> asBoolean() {
    return delegate.asBoolean();
  }

  @Override
  public Value<String> asString() {
    return delegate.asString();
  }

  @Override
  public Value<Integer> asInt() {
    return delegate.asInt();
  }

  @Override
  public Value<Long> asLong() {
    return delegate.asLong();
  }

  @Override
  public Value<Double> asDouble() {
    return delegate.asDouble();
  }

  @Override
  public String toString() {
    return delegate.toString();
  }
}
