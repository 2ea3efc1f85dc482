package io.eventstreamcore.node.deadletter;

import com.fasterxml.jackson.databind.node.LongNode;
import io.eventstreamcore.node.batching.PendingProduce;
import io.eventstreamcore.node.checkpoint.Checkpoints;
import io.eventstreamcore.node.ingest.DeadLetter;
import io.eventstreamcore.node.ingest.IngestService;
import io.eventstreamcore.node.storage.EventStore;
import io.eventstreamcore.node.storage.ReadChunk;
import io.eventstreamcore.protocol.Event;
import io.eventstreamcore.protocol.Record;
import io.eventstreamcore.protocol.Topics;
import io.eventstreamcore.protocol.WireReader;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The replicated dead-letter topic: writing to it, listing it with filters, purging it. Purging
 * moves a mark kept in {@link Checkpoints} (the log is append-only); retention deletes the purged
 * records with their segments like any other.
 */
public final class DeadLetterQueue {
  static final String PURGED_BEFORE = "dlq.purgedBefore";

  /** The most records one listing looks at, so a narrow filter cannot scan without end. */
  private static final int SCAN_LIMIT = 10_000;

  private final EventStore store;
  private final IngestService ingest;
  private final Checkpoints checkpoints;

  public record Entry(long offset, DeadLetter letter) {}

  /**
   * @param from the offset to list from (the purge mark when it is lower)
   * @param next where the next listing goes on
   */
  public record Page(long from, long next, long endOffset, List<Entry> entries) {}

  public DeadLetterQueue(EventStore store, IngestService ingest, Checkpoints checkpoints) {
    this.store = store;
    this.ingest = ingest;
    this.checkpoints = checkpoints;
  }

  /** Dead-letters events the engine took but could not deliver (a processor that kept failing). */
  public PendingProduce add(Event original, String reason) {
    return ingest.produceInternal(
        List.of(new DeadLetter(original, reason, System.currentTimeMillis()).toEvent()));
  }

  public long purgedBefore() {
    return checkpoints.latest().path(PURGED_BEFORE).asLong(0);
  }

  /**
   * @param topic only letters from this original topic, or all when null
   * @param reason only letters whose reason contains this, or all when null
   */
  public Page list(String topic, String reason, long from, int max) {
    long start = Math.max(Math.max(from, purgedBefore()), store.startOffset(Topics.DEAD_LETTER));
    long end = store.endOffset(Topics.DEAD_LETTER);
    List<Entry> entries = new ArrayList<>();
    long next = start;
    while (next < end && entries.size() < max && next - start < SCAN_LIMIT) {
      ReadChunk chunk = store.read(Topics.DEAD_LETTER, next, 500, 16 << 20);
      if (chunk.count() == 0) {
        break;
      }
      for (Record r : Record.readAll(new WireReader(chunk.records()), chunk.count())) {
        next = r.offset() + 1;
        DeadLetter letter = DeadLetter.of(r.event());
        if ((topic == null || letter.original().topic().equals(topic))
            && (reason == null || letter.reason().contains(reason))) {
          entries.add(new Entry(r.offset(), letter));
          if (entries.size() == max) {
            break;
          }
        }
      }
    }
    return new Page(start, next, end, entries);
  }

  /**
   * Hides every letter below {@code before} (at most the end offset) from listings and replays;
   * only on the leader. A mark lower than the current one changes nothing.
   */
  public CompletableFuture<Void> purge(long before) {
    return checkpoints.put(PURGED_BEFORE, LongNode.valueOf(Math.max(before, purgedBefore())));
  }
}
