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
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Renders a subscription in one of the machine-readable formats (everything but HTML). Output is
 * deterministic: the same subscription gives the same bytes (key order is fixed, no timestamps).
 * See docs/subscriptions.md "Formats" and "Per-format mapping".
 */
public final class Renderers {
  /** Notice used when the subscription lists no proxy and gives no reason. */
  static final String EMPTY_NOTICE = "No proxies in this subscription";

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
    return switch (format) {
      case LINKS -> links(subscription);
      case BASE64 ->
          Base64.getEncoder().encodeToString(links(subscription).getBytes(StandardCharsets.UTF_8));
      case CLASH -> yaml(ClashDocument.render(subscription));
      case SINGBOX -> json(SingBoxDocument.render(subscription));
      case XRAY -> json(XrayDocument.render(subscription));
      case HTML -> throw new IllegalArgumentException("html is rendered by the HTTP layer");
    };
  }

  /**
   * Whether {@code format} can express this proxy; proxies it cannot are left out of that format's
   * document (see docs/subscriptions.md "Per-format mapping").
   */
  public static boolean expressible(Format format, ProxyEntry proxy) {
    ClientProxy p = ClientProxy.of(proxy);
    return switch (format) {
      case CLASH -> ClashDocument.supports(p);
      case SINGBOX -> SingBoxDocument.supports(p);
      case BASE64, LINKS, XRAY, HTML -> true;
    };
  }

  private static String links(Subscription sub) {
    StringBuilder sb = new StringBuilder();
    for (ClientProxy p : proxies(sub, x -> true).list()) {
      sb.append(ShareLinks.link(p)).append('\n');
    }
    return sb.toString();
  }

  /** The proxies a document lists, or the single notice placeholder when there is none. */
  record Selection(List<ClientProxy> list, String notice) {
    boolean isNotice() {
      return notice != null;
    }
  }

  /**
   * The proxies of {@code sub} that {@code supported} accepts; a notice placeholder instead when
   * the subscription carries a notice, or when nothing is left.
   */
  static Selection proxies(Subscription sub, Predicate<ClientProxy> supported) {
    String notice = sub.notice();
    if (notice == null) {
      List<ClientProxy> out = new ArrayList<>();
      for (ProxyEntry e : sub.proxies()) {
        ClientProxy p = ClientProxy.of(e);
        if (supported.test(p)) {
          out.add(p);
        }
      }
      if (!out.isEmpty()) {
        return new Selection(List.copyOf(out), null);
      }
      notice = sub.proxies().isEmpty() ? EMPTY_NOTICE : "No proxy of this subscription works here";
    }
    return new Selection(List.of(ClientProxy.notice(notice)), notice);
  }

  /** {@code base}, or {@code base 2}, {@code base 3}... whichever no proxy is named. */
  static String unique(String base, Set<String> taken) {
    String name = base;
    for (int i = 2; taken.contains(name); i++) {
      name = base + " " + i;
    }
    return name;
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
