package io.eventstreamcore.node.dedup;

import com.hazelcast.map.MapPartitionLostEvent;
import com.hazelcast.map.listener.MapPartitionLostListener;
import io.eventstreamcore.node.threads.DaemonThreads;
import java.io.Closeable;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import org.jboss.logging.Logger;

/**
 * Makes every bucket of the dedup table complete: recorded through the log index the leader has
 * written its records through ({@link IdBucket}). The leader finds the buckets that are not (made
 * anew after Hazelcast lost their partition, its owner and backup gone at once, or after every
 * member restarted; or a copy that missed writes, such as one side's after a Hazelcast split),
 * writes every event its log appended within the window into them as STORED, then declares them
 * recorded through the last entry it had applied before it read the log. Until then those buckets
 * answer UNKNOWN and the leader refuses (retryable) the ids it would have asked them about.
 *
 * <p>The state lives in the buckets, not in who heard of a loss: a leader that restarted after the
 * loss finds the buckets incomplete all the same. Only a leader refills, once it applied its term's
 * first entry and recorded the log before it: its log then holds every event whose record a lost
 * bucket had, because records are written only of applied events and the log is read after the
 * survey found the bucket.
 */
final class IncompleteBucketRefill implements MapPartitionLostListener, Closeable {
  /** What the refill needs to know of this node's records ({@link DedupMarker}). */
  interface LeaderRecords {
    /**
     * Whether this node applied an entry of the term and recorded the log before it: then its log
     * holds every entry before the term, and {@link #askedThrough} is this leader's.
     */
    boolean recordedBefore(long term);

    /** The index a bucket must be recorded through to be asked. */
    long askedThrough();

    /** The last entry this node applied: its events are in the log. */
    long appliedThrough();
  }

  private static final Logger LOG = Logger.getLogger(IncompleteBucketRefill.class);
  private static final long RETRY_PAUSE_MILLIS = 1_000;
  private static final long MEMBER_START_POLL_MILLIS = 200;

  /**
   * The longest one table call of a refill may take: Hazelcast retries a call to a member that left
   * until its own timeout (120 s), and the refill must not wait that long for a member that is
   * gone.
   */
  private static final long CALL_TIMEOUT_MILLIS = 10_000;

  private final DedupBuckets table;
  private final LogWindow log;
  private final Duration window;
  private final DedupMetrics metrics;
  private final LongSupplier raftTerm;
  private final BooleanSupplier leading;
  private final LeaderRecords records;
  private final ScheduledExecutorService worker =
      Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("esc-dedup-refill"));
  private final AtomicBoolean requested = new AtomicBoolean();

  /** The term in which a survey found every bucket complete, or -1. */
  private final AtomicLong completeInTerm = new AtomicLong(-1);

  private volatile boolean refilling;

  /**
   * The earliest the next run may start: a failed run, or a member still starting, puts it off
   * however often admissions ask for one.
   */
  private volatile long notBeforeNanos = System.nanoTime();

  IncompleteBucketRefill(
      DedupBuckets table,
      LogWindow log,
      Duration window,
      DedupMetrics metrics,
      LongSupplier raftTerm,
      BooleanSupplier leading,
      LeaderRecords records) {
    this.table = table;
    this.log = log;
    this.window = window;
    this.metrics = metrics;
    this.raftTerm = raftTerm;
    this.leading = leading;
    this.records = records;
  }

  @Override
  public void partitionLost(MapPartitionLostEvent event) {
    metrics.partitionLost();
    LOG.errorf(
        "the dedup table lost partition %d (its owner and backup left at once); the leader"
            + " refills its buckets from the log of the last %s and refuses retries of their ids"
            + " meanwhile",
        event.getPartitionId(), window);
    completeInTerm.set(-1);
    request();
  }

  /** Called by the leader as it admits: surveys the buckets once per term. */
  void ensure(long term) {
    if (completeInTerm.get() != term) {
      request();
    }
  }

  /** A bucket answered UNKNOWN in a term whose survey found them all complete: survey again. */
  void incompleteSeen(long term) {
    if (completeInTerm.compareAndSet(term, -1)) {
      request();
    }
  }

  boolean inProgress() {
    return refilling;
  }

  private void request() {
    if (requested.compareAndSet(false, true)) {
      worker.execute(this::run);
    }
  }

  private void run() {
    long wait = notBeforeNanos - System.nanoTime();
    if (wait > 0) {
      worker.schedule(this::run, wait, TimeUnit.NANOSECONDS);
      return;
    }
    // A request made from here on queues another run.
    requested.set(false);
    long term = raftTerm.getAsLong();
    if (!leading.getAsBoolean() || !records.recordedBefore(term)) {
      // The leader of this term asks again as soon as it admits.
      return;
    }
    if (!table.isStarted()) {
      // Nothing can be claimed meanwhile either; the member's start takes seconds.
      retryIn(MEMBER_START_POLL_MILLIS);
      return;
    }
    try {
      Map<Integer, Long> incomplete = bounded(table.incompleteBuckets(records.askedThrough()));
      if (incomplete.isEmpty()) {
        completeInTerm.set(term);
        return;
      }
      refilling = true;
      LOG.infof(
          "dedup table: refilling %d incomplete buckets from the log; retries of their ids are"
              + " refused meanwhile",
          incomplete.size());
      // Read before the log is: every event of an entry up to it is in the log read.
      long refilledThrough = records.appliedThrough();
      long readAt = System.currentTimeMillis();
      Refilled refilled = refill(incomplete, readAt);
      if (raftTerm.getAsLong() != term || !leading.getAsBoolean()) {
        return;
      }
      // What retention deleted within the window cannot be refilled: those buckets keep every id
      // only from now on, which narrows the window openly, as a bucket at its heap limit does.
      long keptSince = refilled.wholeWindow() ? -1 : readAt;
      int completed = bounded(table.complete(incomplete, refilledThrough, keptSince)).size();
      LOG.infof(
          "dedup table: %d of %d incomplete buckets refilled with %d events from the log",
          completed, incomplete.size(), refilled.events());
      if (!refilled.wholeWindow()) {
        LOG.warnf(
            "dedup table: retention deleted events appended within the last %s, so the refilled"
                + " buckets hold every id only from now on: a retry of an id stored before may be"
                + " stored again until %s has passed (esc_dedup_window_effective_seconds). Keep"
                + " esc.store.retention and esc.store.retention-bytes above esc.dedup.window",
            window, window);
      }
      // Any made anew meanwhile are found by the next survey.
      request();
    } catch (RuntimeException e) {
      LOG.warnf(
          "dedup table refill failed, retrying in %d ms: %s", RETRY_PAUSE_MILLIS, e.toString());
      retryIn(RETRY_PAUSE_MILLIS);
    } finally {
      refilling = false;
    }
  }

  private static <T> T bounded(CompletableFuture<T> call) {
    return call.orTimeout(CALL_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS).join();
  }

  private void retryIn(long millis) {
    notBeforeNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    request();
  }

  /** What a refill wrote, and whether the log still held every event of the window. */
  private record Refilled(long events, boolean wholeWindow) {}

  private Refilled refill(Map<Integer, Long> incomplete, long readAt) {
    AtomicLong entries = new AtomicLong();
    boolean whole =
        log.read(
            readAt - window.toMillis(),
            stored -> {
              Map<DedupKey, Long> theirs = new HashMap<>();
              stored.forEach(
                  (key, offset) -> {
                    if (incomplete.containsKey(key.bucket())) {
                      theirs.put(key, offset);
                    }
                  });
              if (!theirs.isEmpty()) {
                bounded(table.markStored(theirs, System.currentTimeMillis()));
                metrics.refilled(theirs.size());
                entries.addAndGet(theirs.size());
              }
            });
    return new Refilled(entries.get(), whole);
  }

  @Override
  public void close() {
    worker.shutdownNow();
  }
}
