package io.eventstreamcore.protocol;

/**
 * Push committed events of one topic, or of every topic with a prefix, starting at an offset. With
 * a prefix the offset applies to each matching topic.
 */
public record SubscribeRequest(boolean prefix, String topic, long fromOffset, int credits) {
  public static final long FROM_END = -1;
  public static final long FROM_START = -2;

  public void write(WireWriter w) {
    w.u8(prefix ? 1 : 0).str8(topic).i64(fromOffset).i32(credits);
  }

  public static SubscribeRequest read(WireReader r) {
    int match = r.u8("match");
    if (match > 1) {
      throw new ProtocolException(ErrorCode.MALFORMED_FRAME, "match must be 0 or 1, was " + match);
    }
    String topic = r.str8("topic");
    if (match == 0 || !topic.isEmpty()) {
      Topics.validate(topic);
    }
    long from = r.i64("from offset");
    if (from < FROM_START) {
      throw new ProtocolException(ErrorCode.MALFORMED_FRAME, "from offset " + from + " invalid");
    }
    SubscribeRequest s = new SubscribeRequest(match == 1, topic, from, r.size32("credits"));
    r.expectEnd("SUBSCRIBE");
    return s;
  }
}
