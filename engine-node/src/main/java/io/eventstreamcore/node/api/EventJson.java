package io.eventstreamcore.node.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
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
import java.util.Locale;
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

  private static final List<String> WRITABLE =
      List.of("id", "priority", "timestamp", "headers", "payload", "payloadBase64");

  /**
   * An event of a produce body, read field by field so that a wrong type is refused instead of
   * coerced (a numeric id is not a string) and an unknown field (a misspelt payload) is named.
   *
   * @param at the event's place in the body, for the messages
   */
  static EventJson read(JsonNode n, int at) {
    String where = "event " + at;
    if (n == null || !n.isObject()) {
      throw new BadRequestProblem(where + " must be a JSON object, got " + kind(n));
    }
    n.fieldNames()
        .forEachRemaining(
            f -> {
              if (!WRITABLE.contains(f)) {
                throw new BadRequestProblem(
                    where + " has field '" + f + "'; a produced event may have " + WRITABLE);
              }
            });
    JsonNode ts = n.get("timestamp");
    if (ts != null && !ts.isNull() && !(ts.isIntegralNumber() && ts.canConvertToLong())) {
      throw new BadRequestProblem(
          where + ": 'timestamp' must be whole milliseconds since the epoch, got " + kind(ts));
    }
    Map<String, String> headers = null;
    JsonNode hs = n.get("headers");
    if (hs != null && !hs.isNull()) {
      if (!hs.isObject()) {
        throw new BadRequestProblem(where + ": 'headers' must be an object, got " + kind(hs));
      }
      headers = new LinkedHashMap<>();
      for (Map.Entry<String, JsonNode> h : hs.properties()) {
        String what = where + ": header '" + h.getKey() + "'";
        if (h.getValue().isNull()) {
          throw new BadRequestProblem(what + " must be a string, got null");
        }
        headers.put(h.getKey(), text(h.getValue(), what));
      }
    }
    return new EventJson(
        null,
        text(n.get("id"), where + ": 'id'"),
        text(n.get("priority"), where + ": 'priority'"),
        ts == null || ts.isNull() ? null : ts.longValue(),
        headers,
        text(n.get("payload"), where + ": 'payload'"),
        text(n.get("payloadBase64"), where + ": 'payloadBase64'"));
  }

  /** A string field's value, null when absent. */
  private static String text(JsonNode v, String what) {
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual()) {
      throw new BadRequestProblem(what + " must be a string, got " + kind(v));
    }
    return v.textValue();
  }

  private static String kind(JsonNode n) {
    return n == null || n.isNull() ? "null" : n.getNodeType().name().toLowerCase(Locale.ROOT);
  }

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
