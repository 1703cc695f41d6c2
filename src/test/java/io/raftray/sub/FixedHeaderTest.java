package io.raftray.sub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.helidon.common.buffers.BufferData;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FixedHeaderTest {
  @Test
  void writesTheSameHttp1LineAsHelidonsHeader() {
    for (String[] h :
        List.of(
            new String[] {"Content-Type", "text/plain; charset=utf-8"},
            new String[] {"profile-title", "base64:0J/RgNC+0YTQuNC70Yw="},
            new String[] {"ETag", "\"abc\""},
            new String[] {"X-Empty", ""})) {
      BufferData ours = BufferData.growing(64);
      new FixedHeader(h[0], h[1]).writeHttp1Header(ours);
      BufferData helidons = BufferData.growing(64);
      HeaderValues.create(HeaderNames.create(h[0]), h[1]).writeHttp1Header(helidons);

      assertThat(ours.readString(ours.available(), StandardCharsets.US_ASCII))
          .isEqualTo(helidons.readString(helidons.available(), StandardCharsets.US_ASCII))
          .isEqualTo(h[0] + ": " + h[1] + "\r\n");
    }
  }

  @Test
  void invalidNameOrValue_refusedWhenBuilt() {
    assertThatThrownBy(() -> new FixedHeader("X-Title", "a\r\nSet-Cookie: x=1"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new FixedHeader("X Title", "a"))
        .isInstanceOf(IllegalArgumentException.class);
    Map<String, String> m = new LinkedHashMap<>();
    m.put("Content-Type", "text/plain");
    m.put("X-Bad", "x\ny");
    assertThatThrownBy(() -> DocumentCache.headers(m)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void readsLikeHelidonsHeader() {
    FixedHeader h = new FixedHeader("Cache-Control", "no-store");
    assertThat(h.name()).isEqualTo("Cache-Control");
    assertThat(h.headerName()).isEqualTo(HeaderNames.CACHE_CONTROL);
    assertThat(h.get()).isEqualTo("no-store");
    assertThat(h.allValues()).containsExactly("no-store");
    assertThat(h.valueCount()).isEqualTo(1);
    assertThat(new String(h.valueBytes(), StandardCharsets.US_ASCII)).isEqualTo("no-store");
  }
}
