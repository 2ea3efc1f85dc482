package io.eventstreamcore.node.dedup;

import io.eventstreamcore.node.storage.EventStore;
import io.eventstreamcore.node.storage.OffsetOutOfRangeException;
import io.eventstreamcore.node.storage.ReadChunk;
import io.eventstreamcore.protocol.Record;
import io.eventstreamcore.protocol.WireReader;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/** Reads the events this node's log appended since a time, a chunk of keys at a time. */
final class LogWindow {
  private static final int CHUNK_EVENTS = 4096;
  private static final int CHUNK_BYTES = 4 << 20;

  private final EventStore store;

  LogWindow(EventStore store) {
    this.store = store;
  }

  /**
   * Hands each chunk's keys, with their offsets, to {@code chunks}; a key stored twice keeps its
   * later offset within a chunk.
   *
   * @return false if retention may have deleted events appended since {@code sinceMillis}: a topic
   *     whose oldest retained event is that recent but that once held older ones
   */
  boolean read(long sinceMillis, Consumer<Map<DedupKey, Long>> chunks) {
    boolean whole = true;
    for (String topic : store.topics()) {
      long from = store.firstOffsetAppendedSince(topic, sinceMillis);
      long start = store.startOffset(topic);
      whole &= start == 0 || from > start;
      long end = store.endOffset(topic);
      while (from < end) {
        ReadChunk chunk;
        try {
          chunk = store.read(topic, from, CHUNK_EVENTS, CHUNK_BYTES);
        } catch (OffsetOutOfRangeException retentionDeletedIt) {
          from = store.startOffset(topic);
          whole = false;
          continue;
        }
        if (chunk.count() == 0) {
          break;
        }
        Map<DedupKey, Long> keys = new HashMap<>(chunk.count() * 2);
        for (Record r : Record.readAll(new WireReader(chunk.records()), chunk.count())) {
          keys.put(DedupKey.of(r.eventBytes()), r.offset());
          from = r.offset() + 1;
        }
        chunks.accept(keys);
      }
    }
    return whole;
  }
}
