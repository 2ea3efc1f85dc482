package io.eventstreamcore.node.dedup;

import com.hazelcast.map.MapPartitionLostEvent;
import com.hazelcast.map.listener.MapPartitionLostListener;
import io.eventstreamcore.node.DaemonThreads;
import io.eventstreamcore.node.storage.EventStore;
import io.eventstreamcore.node.storage.OffsetOutOfRangeException;
import io.eventstreamcore.node.storage.ReadChunk;
import io.eventstreamcore.protocol.Record;
import io.eventstreamcore.protocol.WireReader;
import java.io.Closeable;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Refills the dedup table from this node's log when Hazelcast loses a partition (its owner and its
 * backup gone at once): every event appended within the window is recorded as STORED again. Until
 * the refill is done this node refuses writes (retryable), so no retry of a forgotten id is stored
 * twice once the loss is known here.
 */
final class LostEntryRefill implements MapPartitionLostListener, Closeable {
  private static final Logger LOG = Logger.getLogger(LostEntryRefill.class);
  private static final int CHUNK_EVENTS = 4096;
  private static final int CHUNK_BYTES = 4 << 20;
  private static final long RETRY_PAUSE_MILLIS = 1_000;

  private final DedupBuckets table;
  private final EventStore store;
  private final Duration window;
  private final DedupMetrics metrics;
  private final ExecutorService worker =
      Executors.newSingleThreadExecutor(DaemonThreads.named("esc-dedup-refill"));

  /** Losses reported so far, and how many of them a finished refill covers. */
  private final AtomicLong reported = new AtomicLong();

  private volatile long covered;

  LostEntryRefill(DedupBuckets table, EventStore store, Duration window, DedupMetrics m) {
    this.table = table;
    this.store = store;
    this.window = window;
    this.metrics = m;
  }

  @Override
  public void partitionLost(MapPartitionLostEvent event) {
    metrics.partitionLost();
    LOG.errorf(
        "the dedup table lost partition %d (its owner and backup left at once); refusing writes"
            + " while it is refilled from the log of the last %s",
        event.getPartitionId(), window);
    long loss = reported.incrementAndGet();
    worker.execute(() -> refillCovering(loss));
  }

  boolean inProgress() {
    return covered < reported.get();
  }

  private void refillCovering(long loss) {
    // One refill covers every loss reported before it started.
    while (covered < loss && !worker.isShutdown()) {
      long upTo = reported.get();
      try {
        long entries = refill();
        covered = upTo;
        LOG.infof("dedup table refilled with %d events from the log; writes resume", entries);
      } catch (RuntimeException e) {
        LOG.warnf("dedup table refill failed, retrying: %s", e.toString());
        pause();
      }
    }
  }

  private long refill() {
    long since = System.currentTimeMillis() - window.toMillis();
    long entries = 0;
    for (String topic : store.topics()) {
      long from = store.firstOffsetAppendedSince(topic, since);
      long end = store.endOffset(topic);
      while (from < end) {
        ReadChunk chunk;
        try {
          chunk = store.read(topic, from, CHUNK_EVENTS, CHUNK_BYTES);
        } catch (OffsetOutOfRangeException retentionDeletedIt) {
          from = store.startOffset(topic);
          continue;
        }
        if (chunk.count() == 0) {
          break;
        }
        Map<DedupKey, Long> stored = new HashMap<>(chunk.count() * 2);
        for (Record r : Record.readAll(new WireReader(chunk.records()), chunk.count())) {
          stored.put(DedupKey.of(topic, r.eventBytes()), r.offset());
          from = r.offset() + 1;
        }
        table.markStored(stored).join();
        metrics.refilled(stored.size());
        entries += stored.size();
      }
    }
    return entries;
  }

  private static void pause() {
    try {
      Thread.sleep(RETRY_PAUSE_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    worker.shutdownNow();
  }
}
