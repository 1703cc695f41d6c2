package io.raftray.sub;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Renders a subscription in one of the machine-readable formats (everything but HTML). Output is
 * deterministic: the same subscription gives the same bytes (key order is fixed, no timestamps).
 * See docs/subscriptions.md "Formats" and "Per-format mapping".
 */
public final class Renderers {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final ObjectWriter JSON_WRITER = MAPPER.writer(jsonPrinter());
  private static final ObjectMapper YAML =
      YAMLMapper.builder(
              YAMLFactory.builder()
                  .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                  .disable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                  .disable(YAMLGenerator.Feature.SPLIT_LINES)
                  .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
                  .build())
          .build();

  private Renderers() {}

  /**
   * The document body for {@code format} ({@link Format#HTML} is rendered by the HTTP layer).
   *
   * @throws IllegalArgumentException for {@link Format#HTML}
   */
  public static String render(Format format, Subscription subscription) {
    Subscription.Listing listing = subscription.listing(p -> expressible(format, p));
    return switch (format) {
      case LINKS -> links(listing);
      case BASE64 ->
          Base64.getEncoder().encodeToString(links(listing).getBytes(StandardCharsets.UTF_8));
      case CLASH -> yaml(ClashDocument.render(listing));
      case SINGBOX -> json(SingBoxDocument.render(listing));
      case XRAY -> json(XrayDocument.render(listing));
      case HTML -> throw new IllegalArgumentException("html is rendered by the HTTP layer");
    };
  }

  /**
   * Whether {@code format} can express this proxy; proxies it cannot are left out of that format's
   * document (see docs/subscriptions.md "Per-format mapping").
   */
  public static boolean expressible(Format format, Proxy proxy) {
    return switch (format) {
      case CLASH -> ClashDocument.supports(proxy);
      case SINGBOX -> SingBoxDocument.supports(proxy);
      case BASE64, LINKS, XRAY, HTML -> true;
    };
  }

  private static String links(Subscription.Listing listing) {
    StringBuilder sb = new StringBuilder();
    for (Proxy p : listing.proxies()) {
      sb.append(ShareLinks.link(p)).append('\n');
    }
    return sb.toString();
  }

  static String json(Object doc) {
    try {
      return JSON_WRITER.writeValueAsString(doc) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write subscription json", e);
    }
  }

  private static String yaml(Object doc) {
    try {
      return YAML.writeValueAsString(doc);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write subscription yaml", e);
    }
  }

  private static DefaultPrettyPrinter jsonPrinter() {
    DefaultIndenter lf = new DefaultIndenter("  ", "\n");
    return new DefaultPrettyPrinter(
            Separators.createDefaultInstance()
                .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                .withArrayEmptySeparator("")
                .withObjectEmptySeparator(""))
        .withObjectIndenter(lf)
        .withArrayIndenter(lf);
  }
}
