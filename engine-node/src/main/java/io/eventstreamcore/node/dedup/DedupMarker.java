package io.eventstreamcore.node.dedup;

import io.eventstreamcore.node.threads.DaemonThreads;
import java.io.Closeable;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.jboss.logging.Logger;

/**
 * Records every applied event as STORED (with its offset) in the dedup table, and knows through
 * which log index the records are complete ({@link #recordedThrough}). The leader writes them; a
 * follower holds its own copy only until the leader's stamp in a later batch says they are written
 * ({@link HeldRecords}). A leader trusts the table's answers only once the records cover the whole
 * log before its term ({@link #recordedBefore}): what a leader that died had not yet recorded, the
 * new leader writes from what it holds, overwriting the claims it left with what really committed.
 *
 * <p>Each write names the part of the log whose every record it carries, following on from the
 * last: (what this node knows is written, the last entry it applied]. The buckets keep count
 * ({@link IdBucket#recorded}), so a copy of a bucket that missed a write (on the other side of a
 * Hazelcast split, or a backup promoted after its owner took a write it never got) shows it, and
 * the leader, which asks only buckets recorded through what it has written, refills it instead.
 */
final class DedupMarker implements IncompleteBucketRefill.LeaderRecords, Closeable {
  private static final Logger LOG = Logger.getLogger(DedupMarker.class);

  /**
   * Records wait up to this long to share a write: Hazelcast's cost is per operation, and a write
   * touches every bucket however many ids it carries (at 25 ms its threads cost twice as much).
   * Nothing waits for them but a new leader, and it writes what it holds at once when its term
   * starts.
   */
  static final long RECORD_INTERVAL_MILLIS = 100;

  /**
   * A follower writes its records itself once those it holds reach this size: a leader whose writes
   * fail must not make its followers hold the log's keys in memory.
   */
  static final long MAX_HELD_BYTES = 16L << 20;

  private record Mark(long index, CompletableFuture<?> done) {}

  private final DedupBuckets table;
  private final DedupMetrics metrics;
  private final BooleanSupplier leading;
  private final HeldRecords held = new HeldRecords();
  private final ArrayDeque<Mark> pending = new ArrayDeque<>();
  private volatile long markedThrough = -1;

  /**
   * The log index through which this node knows every record is written: its own writes that
   * landed, the leader's stamps and a snapshot copied from the leader.
   */
  private volatile long writtenThrough = -1;

  /** Where the part of the log of this node's next write starts: after its last or a stamp. */
  private long cutThrough = -1;

  private long lastApplied = -1;

  /** A new leader's first write goes out even with no records, to name the log it follows on. */
  private boolean rangeDue;

  /**
   * Where this node's first write of the term it leads starts: its latest stamp, its snapshot or
   * its own last write. A bucket not recorded through it misses records this node does not hold,
   * even before that write lands (a table every member lost, under a snapshot past the last stamp).
   */
  private volatile long termFloor = -1;

  private volatile long latestTerm = -1;
  private volatile long latestTermStart = -1;
  private long termStartedNanos;
  private boolean termRecordedLogged = true;

  /**
   * Records not yet sent, and the future of the write that will carry them. One write is in flight
   * at a time, at most one per {@link #RECORD_INTERVAL_MILLIS}; what is applied meanwhile goes into
   * the next one, so a write carries many batches instead of each batch paying for its own.
   */
  private Map<DedupKey, Long> unsent = new HashMap<>();

  /** When the latest of the unsent records was applied: their window starts no later. */
  private long unsentAppliedAt;

  private CompletableFuture<Void> unsentWritten = new CompletableFuture<>();
  private boolean writing;

  /** A term started while a write was out: the next write goes as soon as that one lands. */
  private boolean writeAgainAtOnce;

  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("esc-dedup-records"));

  /** The records of the write in flight, kept until it lands so that they stay visible here. */
  private Map<DedupKey, Long> sending = Map.of();

  private long sendingAppliedAt;
  private final long windowMillis;

  /**
   * @param leading whether this node leads the Raft group now
   * @param windowMillis how long a record answers retries: a record still unwritten after that (its
   *     member still starting) no longer does
   */
  DedupMarker(
      DedupBuckets table, DedupMetrics metrics, BooleanSupplier leading, long windowMillis) {
    this.table = table;
    this.windowMillis = windowMillis;
    this.metrics = metrics;
    this.leading = leading;
    timer.scheduleWithFixedDelay(
        this::writeDue, RECORD_INTERVAL_MILLIS, RECORD_INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
  }

  /**
   * @param keys the applied events' keys, in order
   */
  synchronized void applied(
      long term, long index, long recordedThrough, List<DedupKey> keys, long[] offsets) {
    held.coveredThrough(recordedThrough);
    writtenBy(recordedThrough);
    lastApplied = Math.max(lastApplied, index);
    if (keys.isEmpty()) {
      enqueue(term, index, CompletableFuture.completedFuture(null));
      return;
    }
    if (leading.getAsBoolean()) {
      // A later record of the same key (stored again after its window) replaces the earlier one.
      for (int i = 0; i < keys.size(); i++) {
        unsent.put(keys.get(i), offsets[i]);
      }
      unsentAppliedAt = System.currentTimeMillis();
      enqueue(term, index, unsentWritten);
    } else {
      enqueue(term, index, held.hold(index, keys, offsets));
    }
  }

  /**
   * The log index through which every applied event is recorded in the table, by anyone: what a
   * leader stamps its batches with.
   */
  long recordedThrough() {
    return writtenThrough;
  }

  /**
   * The least a bucket this leader asks must be recorded through: what it has written, and at least
   * where its first write of the term starts. What it applied after that and has not yet written,
   * it answers itself ({@link #unwritten}).
   */
  @Override
  public long askedThrough() {
    return Math.max(writtenThrough, termFloor);
  }

  @Override
  public synchronized long appliedThrough() {
    return lastApplied;
  }

  /** Someone wrote every record through {@code index}. */
  private void writtenBy(long index) {
    writtenThrough = Math.max(writtenThrough, index);
    cutThrough = Math.max(cutThrough, index);
  }

  private synchronized void writeDue() {
    if (held.bytes() > MAX_HELD_BYTES) {
      writeHeldToo();
    }
    writeUnsent();
  }

  /** Moves the held records into the next write, under the records applied since them. */
  private void writeHeldToo() {
    Map<DedupKey, Long> all = held.takeAll(unsentWritten);
    all.putAll(unsent);
    unsent = all;
    // The held records were applied earlier: dating them now only lengthens their window.
    unsentAppliedAt = System.currentTimeMillis();
  }

  private synchronized void writeUnsent() {
    if (writing || (unsent.isEmpty() && !rangeDue)) {
      return;
    }
    writing = true;
    rangeDue = false;
    CompletableFuture<Void> written = unsentWritten;
    Map<DedupKey, Long> stored = unsent;
    sending = stored;
    sendingAppliedAt = unsentAppliedAt;
    unsent = new HashMap<>();
    unsentWritten = new CompletableFuture<>();
    // The write carries every record after the last one's only if this node holds none aside.
    long after = cutThrough;
    long through = held.isEmpty() ? Math.max(lastApplied, after) : after;
    cutThrough = through;
    record(stored, sendingAppliedAt, after, through, 3)
        .whenComplete(
            (ok, error) -> {
              boolean again;
              synchronized (this) {
                // Also after a failed write: the buckets that missed it show it, and are refilled.
                writtenThrough = Math.max(writtenThrough, through);
                sending = Map.of();
                writing = false;
                again = writeAgainAtOnce;
                writeAgainAtOnce = false;
              }
              written.complete(null);
              if (again) {
                writeUnsent();
              }
            });
  }

  /**
   * The STORED entry of a key that this node applied but has not yet written to the table, or null.
   * A producer is acknowledged once its event is applied here, so its immediate resend must be
   * answered from this, not refused because the table still shows the claim. A record older than
   * the window answers nothing, as the table would not.
   */
  synchronized long[] unwritten(DedupKey key) {
    long since = System.currentTimeMillis() - windowMillis;
    Long offset = unsentAppliedAt > since ? unsent.get(key) : null;
    if (offset == null && sendingAppliedAt > since) {
      offset = sending.get(key);
    }
    return offset == null ? null : DedupEntry.stored(offset);
  }

  /**
   * This node's store starts again from its snapshot: it holds no records of the entries up to it,
   * so its next write names only the part of the log after it. Whether those were written, the
   * buckets tell: one that is not recorded through the snapshot keeps that write aside.
   */
  synchronized void cutBack(long snapshotIndex) {
    cutThrough = Math.max(cutThrough, snapshotIndex);
    lastApplied = Math.max(lastApplied, snapshotIndex);
  }

  synchronized void caughtUp(long term, long index) {
    // The leader recorded what this node copied, as it records everything it applies.
    writtenBy(index);
    lastApplied = Math.max(lastApplied, index);
    enqueue(term, index, CompletableFuture.completedFuture(null));
  }

  private CompletableFuture<?> record(
      Map<DedupKey, Long> stored,
      long appliedAtMillis,
      long after,
      long through,
      int attemptsLeft) {
    return table
        .markStored(stored, appliedAtMillis, after, through)
        .handle(
            (ok, error) -> {
              if (error == null) {
                return CompletableFuture.completedFuture(null);
              }
              if (attemptsLeft > 1) {
                return record(stored, appliedAtMillis, after, through, attemptsLeft - 1);
              }
              metrics.recordsLost(stored.size());
              LOG.errorf(
                  "could not record %d stored events in the dedup table: %s; the buckets that"
                      + " missed them answer no retry until the leader refilled them from its log",
                  stored.size(), error.toString());
              return CompletableFuture.completedFuture(null);
            })
        .thenCompose(f -> f);
  }

  private synchronized void enqueue(long term, long index, CompletableFuture<?> done) {
    if (term > latestTerm) {
      latestTermStart = index;
      latestTerm = term;
      termStartedNanos = System.nanoTime();
      termRecordedLogged = !leading.getAsBoolean();
      rangeDue = leading.getAsBoolean();
      if (rangeDue) {
        // Where this term's first write starts: what it carries is answered here until it lands.
        termFloor = cutThrough;
      }
      // Whoever leads the new term serves writes only once what it holds is written.
      writeHeldToo();
      writeAgainAtOnce = writing;
      writeUnsent();
    }
    pending.add(new Mark(index, done));
    done.whenComplete((ok, error) -> advance());
    advance();
  }

  private synchronized void advance() {
    while (!pending.isEmpty() && pending.peek().done().isDone()) {
      markedThrough = pending.poll().index();
    }
    if (!termRecordedLogged && markedThrough >= latestTermStart) {
      // How long a new leader refused ids its filters may have seen: after a failover,
      // Hazelcast's own recovery from the lost member is in it.
      termRecordedLogged = true;
      LOG.infof(
          "dedup records complete through the log before term %d, %d ms into it: answering"
              + " retries",
          latestTerm, (System.nanoTime() - termStartedNanos) / 1_000_000);
    }
  }

  /**
   * True once an entry of {@code term} applied here: every entry before it has applied too, so this
   * node's filters hold every key the log had before the term.
   */
  boolean appliedInto(long term) {
    return latestTerm == term;
  }

  /** True when every entry before {@code term}'s first is recorded (and one of it was applied). */
  @Override
  public boolean recordedBefore(long term) {
    return latestTerm == term && markedThrough >= latestTermStart;
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
