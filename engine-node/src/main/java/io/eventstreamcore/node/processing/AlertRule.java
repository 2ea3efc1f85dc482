package io.eventstreamcore.node.processing;

import io.eventstreamcore.protocol.Topics;
import java.util.Locale;

/**
 * One alert rule, written {@code name:kind:topic:threshold}, e.g. {@code
 * orders-hot:rate-above:orders:5000}. Kinds: {@code rate-above} and {@code rate-below} (events per
 * second in a closed window), {@code lag-above} (committed events not yet seen by the alert
 * processor), {@code dlq-growth-above} (dead letters per window for the topic; {@code *} counts
 * every topic).
 */
public record AlertRule(String name, Kind kind, String topic, double threshold) {
  public enum Kind {
    RATE_ABOVE,
    RATE_BELOW,
    LAG_ABOVE,
    DLQ_GROWTH_ABOVE
  }

  /**
   * @throws IllegalArgumentException saying what is wrong with the rule
   */
  public static AlertRule parse(String text) {
    String[] parts = text.strip().split(":");
    if (parts.length != 4) {
      throw new IllegalArgumentException(
          "alert rule '" + text + "' must be name:kind:topic:threshold");
    }
    Kind kind;
    try {
      kind = Kind.valueOf(parts[1].strip().toUpperCase(Locale.ROOT).replace('-', '_'));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "alert rule '"
              + text
              + "': kind must be rate-above, rate-below, lag-above or dlq-growth-above");
    }
    String topic = parts[2].strip();
    if (!(kind == Kind.DLQ_GROWTH_ABOVE && topic.equals("*"))) {
      Topics.validate(topic);
    }
    double threshold;
    try {
      threshold = Double.parseDouble(parts[3].strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("alert rule '" + text + "': threshold is not a number");
    }
    return new AlertRule(parts[0].strip(), kind, topic, threshold);
  }

  /** The topic whose events this rule counts. */
  String watchedTopic() {
    return kind == Kind.DLQ_GROWTH_ABOVE ? Topics.DEAD_LETTER : topic;
  }
}
