package io.eventstreamcore.node.dedup;

import com.hazelcast.map.MapPartitionLostEvent;
import com.hazelcast.map.listener.MapPartitionLostListener;
import io.eventstreamcore.node.threads.DaemonThreads;
import java.io.Closeable;
import java.time.Duration;
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
  private static final long RETRY_PAUSE_MILLIS = 1_000;

  private final DedupBuckets table;
  private final LogWindow log;
  private final Duration window;
  private final DedupMetrics metrics;
  private final ExecutorService worker =
      Executors.newSingleThreadExecutor(DaemonThreads.named("esc-dedup-refill"));

  /** Losses reported so far, and how many of them a finished refill covers. */
  private final AtomicLong reported = new AtomicLong();

  private volatile long covered;

  LostEntryRefill(DedupBuckets table, LogWindow log, Duration window, DedupMetrics m) {
    this.table = table;
    this.log = log;
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
    AtomicLong entries = new AtomicLong();
    log.read(
        System.currentTimeMillis() - window.toMillis(),
        stored -> {
          table.markStored(stored, System.currentTimeMillis()).join();
          metrics.refilled(stored.size());
          entries.addAndGet(stored.size());
        });
    return entries.get();
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
