package io.eventstreamcore.protocol;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The event encoding of docs/protocol.md. It is the same on the wire, in a Raft batch and in a
 * segment file, so the node validates an event once and afterwards only copies its bytes.
 */
public final class EventCodec {
  public static final int FORMAT = 1;
  public static final int MAX_ID_LENGTH = 64;
  public static final int DEFAULT_MAX_PAYLOAD = 1 << 20;

  /** Bytes of an event besides id, topic, headers and payload. */
  static final int FIXED_OVERHEAD = 4 + 4 + 1 + 1 + 8 + 1 + 1 + 2 + 4;

  private static final int PRIORITY_AT = 9;
  private static final int ID_LENGTH_AT = 18;

  private EventCodec() {}

  public static int encodedSize(Event e) {
    int size = FIXED_OVERHEAD + e.id().length + e.topic().length() + e.payload().length;
    for (Header h : e.headers()) {
      size += 2 + h.key().getBytes(StandardCharsets.UTF_8).length + 4 + h.value().length;
    }
    return size;
  }

  public static void write(Event e, WireWriter w) {
    if (e.id().length < 1 || e.id().length > MAX_ID_LENGTH) {
      throw new ProtocolException(
          ErrorCode.INVALID_EVENT, "event id is " + e.id().length + " bytes, must be 1..64");
    }
    Topics.validate(e.topic());
    int start = w.position();
    w.i32(0).i32(0).u8(FORMAT).u8(e.priority().code()).i64(e.timestamp());
    w.u8(e.id().length).raw(e.id());
    w.str8(e.topic());
    w.u16(e.headers().size());
    for (Header h : e.headers()) {
      w.str16(h.key()).bytes32(h.value());
    }
    w.bytes32(e.payload());
    int end = w.position();
    w.putI32At(start, end - start - 4);
    CRC32C crc = new CRC32C();
    crc.update(w.array(), start + 8, end - start - 8);
    w.putI32At(start + 4, (int) crc.getValue());
  }

  public static byte[] encode(Event e) {
    WireWriter w = new WireWriter(encodedSize(e));
    write(e, w);
    return w.toByteArray();
  }

  /**
   * Cuts the next event (length field included) off the reader without checking its content.
   *
   * @throws ProtocolException MALFORMED_FRAME when the length runs past the data
   */
  public static ByteBuffer next(WireReader r) {
    ByteBuffer b = r.buffer();
    if (b.remaining() < 4) {
      throw new ProtocolException(ErrorCode.MALFORMED_FRAME, "truncated event length");
    }
    long length = b.getInt(b.position()) & 0xFFFFFFFFL;
    if (length < FIXED_OVERHEAD - 4 || length > b.remaining() - 4) {
      throw new ProtocolException(
          ErrorCode.MALFORMED_FRAME,
          "event length " + length + " does not fit the " + (b.remaining() - 4) + " bytes left");
    }
    return r.slice((int) length + 4, "event");
  }

  /**
   * Checks an event cut by {@link #next}: CRC, format, priority, id, topic, headers and payload
   * size, and that the fields fill the event exactly.
   *
   * @return the event's topic, which the node needs to place it
   */
  public static String validate(ByteBuffer event, int maxPayload) {
    ByteBuffer b = event.duplicate();
    int base = b.position();
    CRC32C crc = new CRC32C();
    b.position(base + 8);
    crc.update(b);
    if ((int) crc.getValue() != event.getInt(base + 4)) {
      throw new ProtocolException(ErrorCode.EVENT_CRC_MISMATCH, "event CRC32C does not match");
    }
    b.position(base + 8);
    WireReader r = new WireReader(b);
    int format = r.u8("format");
    if (format != FORMAT) {
      throw new ProtocolException(ErrorCode.INVALID_EVENT, "unknown event format " + format);
    }
    Priority.fromCode(r.u8("priority"));
    r.i64("timestamp");
    int idLength = r.u8("id length");
    if (idLength < 1 || idLength > MAX_ID_LENGTH) {
      throw new ProtocolException(
          ErrorCode.INVALID_EVENT, "event id is " + idLength + " bytes, must be 1..64");
    }
    r.slice(idLength, "id");
    int topicLength = r.u8("topic length");
    String topic = new String(r.bytes(topicLength, "topic"), StandardCharsets.ISO_8859_1);
    Topics.validate(topic);
    int headers = r.u16("header count");
    for (int i = 0; i < headers; i++) {
      r.slice(r.u16("header key length"), "header key");
      r.slice(r.size32("header value length"), "header value");
    }
    int payload = r.size32("payload length");
    if (payload > maxPayload) {
      throw new ProtocolException(
          ErrorCode.EVENT_TOO_LARGE,
          "payload is " + payload + " bytes, at most " + maxPayload + " allowed");
    }
    r.slice(payload, "payload");
    r.expectEnd("event");
    return topic;
  }

  public static Priority priorityOf(ByteBuffer event) {
    return Priority.fromCode(event.get(event.position() + PRIORITY_AT) & 0xFF);
  }

  /** The id of an event that was validated before, as a view of its bytes (nothing copied). */
  public static ByteBuffer idView(ByteBuffer event) {
    int at = event.position() + ID_LENGTH_AT;
    return event.slice(at + 1, event.get(at) & 0xFF);
  }

  /** The topic of an event that was validated before, as a view of its ASCII bytes. */
  public static ByteBuffer topicView(ByteBuffer event) {
    int idAt = event.position() + ID_LENGTH_AT;
    int topicAt = idAt + 1 + (event.get(idAt) & 0xFF);
    return event.slice(topicAt + 1, event.get(topicAt) & 0xFF);
  }

  /** The topic of an event that was validated before. */
  public static String topicOf(ByteBuffer event) {
    int idAt = event.position() + ID_LENGTH_AT;
    int topicAt = idAt + 1 + (event.get(idAt) & 0xFF);
    byte[] topic = new byte[event.get(topicAt) & 0xFF];
    event.get(topicAt + 1, topic);
    return new String(topic, StandardCharsets.ISO_8859_1);
  }

  /** Decodes a full event, verifying it first. */
  public static Event decode(ByteBuffer event) {
    validate(event, Integer.MAX_VALUE);
    WireReader r = new WireReader(event.duplicate().position(event.position() + 8));
    r.u8("format");
    Priority priority = Priority.fromCode(r.u8("priority"));
    long timestamp = r.i64("timestamp");
    byte[] id = r.bytes(r.u8("id length"), "id");
    String topic = r.str8("topic");
    int count = r.u16("header count");
    List<Header> headers = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      headers.add(new Header(r.str16("header key"), r.bytes32("header value")));
    }
    byte[] payload = r.bytes32("payload");
    return new Event(id, topic, priority, timestamp, headers, payload);
  }
}
