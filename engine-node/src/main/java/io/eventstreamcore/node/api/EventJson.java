package io.eventstreamcore.node.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.eventstreamcore.protocol.Event;
import io.eventstreamcore.protocol.Header;
import io.eventstreamcore.protocol.Priority;
import io.eventstreamcore.protocol.Record;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An event as JSON. The payload is given either as text ({@code payload}, stored as UTF-8) or as
 * bytes ({@code payloadBase64}); on reads both are filled when the payload is valid UTF-8.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EventJson(
    Long offset,
    String id,
    String priority,
    Long timestamp,
    Map<String, String> headers,
    String payload,
    String payloadBase64) {

  Event toEvent(String topic) {
    if (id == null || id.isEmpty()) {
      throw new BadRequestProblem("every event needs an 'id' (1..64 bytes)");
    }
    if (payload != null && payloadBase64 != null) {
      throw new BadRequestProblem("give either 'payload' or 'payloadBase64', not both");
    }
    Priority p;
    try {
      p = priority == null ? Priority.MEDIUM : Priority.valueOf(priority);
    } catch (IllegalArgumentException e) {
      throw new BadRequestProblem(
          "priority '" + priority + "' unknown; one of " + List.of(Priority.values()));
    }
    byte[] body;
    try {
      body =
          payloadBase64 != null
              ? Base64.getDecoder().decode(payloadBase64)
              : payload == null ? new byte[0] : payload.getBytes(StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new BadRequestProblem("payloadBase64 is not valid base64: " + e.getMessage());
    }
    List<Header> hs =
        headers == null
            ? List.of()
            : headers.entrySet().stream()
                .map(e -> new Header(e.getKey(), e.getValue().getBytes(StandardCharsets.UTF_8)))
                .toList();
    return new Event(
        id.getBytes(StandardCharsets.UTF_8),
        topic,
        p,
        timestamp == null ? System.currentTimeMillis() : timestamp,
        hs,
        body);
  }

  static EventJson of(Record r) {
    return of(r.offset(), r.event());
  }

  static EventJson of(long offset, Event e) {
    Map<String, String> hs = new LinkedHashMap<>();
    for (Header h : e.headers()) {
      hs.put(h.key(), new String(h.value(), StandardCharsets.UTF_8));
    }
    return new EventJson(
        offset,
        e.idAsString(),
        e.priority().name(),
        e.timestamp(),
        hs.isEmpty() ? null : hs,
        utf8OrNull(e.payload()),
        Base64.getEncoder().encodeToString(e.payload()));
  }

  private static String utf8OrNull(byte[] b) {
    try {
      return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(b)).toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }
}
