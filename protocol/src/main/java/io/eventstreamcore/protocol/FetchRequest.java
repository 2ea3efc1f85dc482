package io.eventstreamcore.protocol;

public record FetchRequest(String topic, long fromOffset, int maxEvents, int maxBytes, int waitMs) {
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
    return f;
  }
}
