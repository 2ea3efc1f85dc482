package io.eventstreamcore.operator.crd;

import java.time.Duration;

/** Reads the durations of the spec ({@link EventClusterSpec#DURATION}: 150ms, 10s, 5m, 2h, 1d). */
public final class Durations {
  private Durations() {}

  public static Duration parse(String text) {
    if (text == null || !text.matches(EventClusterSpec.DURATION)) {
      throw new IllegalArgumentException("'" + text + "' is not a duration like 150ms, 10s, 5m");
    }
    int unitAt = text.endsWith("ms") ? text.length() - 2 : text.length() - 1;
    long n = Long.parseLong(text.substring(0, unitAt));
    return switch (text.substring(unitAt)) {
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      default -> Duration.ofDays(n);
    };
  }
}
