package io.eventstreamcore.protocol;

import java.util.List;

/** Records of one topic from the requested offset, plus the topic's current bounds. */
public record FetchResult(long startOffset, long endOffset, List<Record> records) {
  public static FetchResult read(WireReader r) {
    long start = r.i64("start offset");
    long end = r.i64("end offset");
    return new FetchResult(start, end, Record.readAll(r, r.size32("count")));
  }
}
