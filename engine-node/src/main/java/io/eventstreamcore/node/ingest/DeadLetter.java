package io.eventstreamcore.node.ingest;

import io.eventstreamcore.protocol.Event;
import io.eventstreamcore.protocol.Header;
import io.eventstreamcore.protocol.Topics;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * An event the engine could not deliver to its topic, with why and when. In the log it is the
 * original event (same id, priority, timestamp, payload and headers) in {@link Topics#DEAD_LETTER},
 * with three headers added; replay strips them again, so the replayed event is the original.
 */
public record DeadLetter(Event original, String reason, long deadLetteredAt) {
  static final String TOPIC_HEADER = "esc-dlq-topic";
  static final String REASON_HEADER = "esc-dlq-reason";
  static final String AT_HEADER = "esc-dlq-at";

  /** The event as stored in the dead-letter topic. */
  public Event toEvent() {
    List<Header> headers = new ArrayList<>(original.headers());
    headers.add(header(TOPIC_HEADER, original.topic()));
    headers.add(header(REASON_HEADER, reason));
    headers.add(header(AT_HEADER, Long.toString(deadLetteredAt)));
    return new Event(
        original.id(),
        Topics.DEAD_LETTER,
        original.priority(),
        original.timestamp(),
        headers,
        original.payload());
  }

  /**
   * @throws IllegalArgumentException when the event is not one {@link #toEvent} made
   */
  public static DeadLetter of(Event stored) {
    String topic = null;
    String reason = null;
    String at = null;
    List<Header> headers = new ArrayList<>();
    for (Header h : stored.headers()) {
      String value = new String(h.value(), StandardCharsets.UTF_8);
      switch (h.key()) {
        case TOPIC_HEADER -> topic = value;
        case REASON_HEADER -> reason = value;
        case AT_HEADER -> at = value;
        default -> headers.add(h);
      }
    }
    if (topic == null || reason == null || at == null) {
      throw new IllegalArgumentException(
          "not a dead letter: its "
              + TOPIC_HEADER
              + ", "
              + REASON_HEADER
              + " or "
              + AT_HEADER
              + " header is missing");
    }
    Event original =
        new Event(
            stored.id(), topic, stored.priority(), stored.timestamp(), headers, stored.payload());
    return new DeadLetter(original, reason, Long.parseLong(at));
  }

  private static Header header(String key, String value) {
    return new Header(key, value.getBytes(StandardCharsets.UTF_8));
  }
}
