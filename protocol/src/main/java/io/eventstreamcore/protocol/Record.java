package io.eventstreamcore.protocol;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/** A committed event with its topic offset: {@code i64 offset} then the event bytes. */
public record Record(long offset, ByteBuffer eventBytes) {

  public Event event() {
    return EventCodec.decode(eventBytes);
  }

  public static List<Record> readAll(WireReader r, int count) {
    List<Record> records = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      long offset = r.i64("record offset");
      records.add(new Record(offset, EventCodec.next(r)));
    }
    return records;
  }
}
