package io.eventstreamcore.protocol;

import java.nio.charset.StandardCharsets;
import java.util.List;

/** One event as a producer sees it. The id is chosen by the producer and is what a retry keeps. */
public record Event(
    byte[] id,
    String topic,
    Priority priority,
    long timestamp,
    List<Header> headers,
    byte[] payload) {

  public Event {
    headers = headers == null ? List.of() : List.copyOf(headers);
    payload = payload == null ? new byte[0] : payload;
  }

  public static Event of(String id, String topic, Priority priority, byte[] payload) {
    return new Event(
        id.getBytes(StandardCharsets.UTF_8),
        topic,
        priority,
        System.currentTimeMillis(),
        List.of(),
        payload);
  }

  public String idAsString() {
    return new String(id, StandardCharsets.UTF_8);
  }
}
