package io.eventstreamcore.protocol;

public record FetchRequest(String topic, long fromOffset, int maxEvents, int maxBytes, int waitMs) {
  /**
   * The longest a node holds a FETCH open. Longer would let one request hold its connection's reply
   * budget (and a client's patience) for days; a consumer that wants to wait longer asks again.
   */
  public static final int MAX_WAIT_MS = 60_000;

  public void write(WireWriter w) {
    w.str8(topic).i64(fromOffset).i32(maxEvents).i32(maxBytes).i32(waitMs);
  }

  public static FetchRequest read(WireReader r) {
    FetchRequest f =
        new FetchRequest(
            Topics.validate(r.str8("topic")),
            r.i64("from offset"),
            r.size32("max events"),
            r.size32("max bytes"),
            r.size32("wait ms"));
    r.expectEnd("FETCH");
    if (f.waitMs() > MAX_WAIT_MS) {
      throw new ProtocolException(
          ErrorCode.MALFORMED_FRAME,
          "wait ms " + f.waitMs() + " is above " + MAX_WAIT_MS + ", the longest a node waits");
    }
    return f;
  }
}
