package io.eventstreamcore.protocol;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/** A PRODUCE request's body: the events, each in its encoding (docs/protocol.md). */
public record ProduceRequest(List<ByteBuffer> events) {
  public void write(WireWriter w) {
    w.i32(events.size());
    for (ByteBuffer e : events) {
      w.raw(e);
    }
  }

  public byte[] encode() {
    int size = 4;
    for (ByteBuffer e : events) {
      size += e.remaining();
    }
    WireWriter w = new WireWriter(size);
    write(w);
    return w.toByteArray();
  }

  public static ProduceRequest read(WireReader r) {
    int count = r.size32("event count");
    List<ByteBuffer> events = new ArrayList<>(Math.min(count, 4096));
    for (int i = 0; i < count; i++) {
      events.add(EventCodec.next(r));
    }
    r.expectEnd("PRODUCE");
    return new ProduceRequest(events);
  }
}
