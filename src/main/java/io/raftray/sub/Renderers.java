package io.raftray.sub;

/** Renders a subscription in one of the machine-readable formats (everything but HTML). */
public final class Renderers {
  private Renderers() {}

  /**
   * The document body for {@code format} ({@link Format#HTML} is rendered by the HTTP layer).
   *
   * @throws IllegalArgumentException for {@link Format#HTML}
   */
  public static String render(Format format, Subscription subscription) {
    throw new UnsupportedOperationException("not yet written: " + format);
  }
}
