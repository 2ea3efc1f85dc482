package io.eventstreamcore.node.dedup;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import java.io.IOException;

/**
 * One value of the dedup map: the entries of every key that hashes to this bucket. An entry counts
 * for one window after it was written. It is kept in the current generation, which after one window
 * becomes the previous one while the previous is dropped, so memory is reclaimed a whole generation
 * at a time. A generation that reaches its share of the heap ends early: the oldest ids go first,
 * which shortens the window (counted as dropped early, and said openly: {@link #keptSince()}).
 *
 * <p>A bucket knows through which Raft log index it holds every record ({@link
 * #recordedThrough()}). Each write of records names the part of the log they are of, and moves that
 * index only if it follows on from it; a leader asks a bucket only when it is recorded through
 * everything the leader has written, and otherwise refills it from its log ({@link
 * IncompleteBucketRefill}). So a bucket made anew (the first time, after Hazelcast lost its
 * partition, or after every member restarted) answers nothing, and neither does a copy that missed
 * writes: a backup promoted after its owner left, or the copy on one side of a Hazelcast cluster
 * split in two while the leader wrote on the other.
 *
 * <p>Only the entry processors touch a bucket, on its partition's thread, and every change takes
 * the time (and the incarnation of a bucket it creates) as an argument, so the backup replica
 * replays it to the same state.
 */
final class IdBucket extends DedupSerializable {
  /**
   * Which making of this bucket it is: one lost and made again has another, so a refill that read
   * the log for one incarnation cannot declare the next one recorded through it.
   */
  private long incarnation;

  /** Every record of the log through this index is here (those within the window); -1: none. */
  private long recordedThrough = -1;

  /**
   * Records of a later part of the log, (aheadAfter, aheadThrough], written while this bucket
   * lacked what came before them; they count once it is recorded through aheadAfter. Empty when
   * equal.
   */
  private long aheadAfter = -1;

  private long aheadThrough = -1;

  private IdTable current = new IdTable();
  private IdTable previous = new IdTable();
  private long currentSince = -1;
  private long droppedEarly;
  private long keptSince = -1;

  /** For {@link DedupSerialization}, which reads the fields next. */
  IdBucket() {}

  /** A bucket that holds no records yet, made by a change that found none. */
  static IdBucket madeBy(Limits limits) {
    IdBucket b = new IdBucket();
    b.incarnation = limits.incarnation();
    return b;
  }

  long incarnation() {
    return incarnation;
  }

  long recordedThrough() {
    return recordedThrough;
  }

  /**
   * The records of the log's entries (after, through] were written into this bucket: it is recorded
   * through {@code through} if it was through {@code after}. A part that does not follow on is kept
   * aside (the latest one) until what precedes it is refilled.
   */
  void recorded(long after, long through) {
    if (through <= after) {
      return;
    }
    if (recordedThrough >= after) {
      recordedThrough = Math.max(recordedThrough, through);
    } else if (aheadThrough > aheadAfter && after <= aheadThrough && through >= aheadAfter) {
      aheadAfter = Math.min(aheadAfter, after);
      aheadThrough = Math.max(aheadThrough, through);
    } else if (through > aheadThrough) {
      aheadAfter = after;
      aheadThrough = through;
    }
    takeAhead();
  }

  /** Every record of the log through {@code index} was written into this bucket from the log. */
  void refilledThrough(long index) {
    recordedThrough = Math.max(recordedThrough, index);
    takeAhead();
  }

  private void takeAhead() {
    if (aheadThrough > aheadAfter && aheadAfter <= recordedThrough) {
      recordedThrough = Math.max(recordedThrough, aheadThrough);
    }
    if (aheadThrough <= recordedThrough) {
      aheadAfter = -1;
      aheadThrough = -1;
    }
  }

  /** The key's entry in {@link DedupEntry}'s form, or null if it has none within the window. */
  long[] get(long hi, long lo, Limits limits) {
    long since = limits.nowMillis() - limits.windowMillis();
    long[] entry = current.get(hi, lo, since);
    return entry != null ? entry : previous.get(hi, lo, since);
  }

  void put(long hi, long lo, long[] entry, Limits limits) {
    put(hi, lo, entry, limits, limits.nowMillis());
  }

  /**
   * @param atMillis when the entry's window starts: the time the event was stored, which a record
   *     written late carries; never later than {@code limits.nowMillis()}
   */
  void put(long hi, long lo, long[] entry, Limits limits, long atMillis) {
    if (currentSince < 0) {
      currentSince = limits.nowMillis();
    }
    boolean windowOver = limits.nowMillis() - currentSince >= limits.windowMillis();
    if (windowOver || current.size() >= limits.maxEntriesPerGeneration()) {
      if (!windowOver && previous.size() > 0) {
        droppedEarly += previous.size();
        keptSince = currentSince;
      }
      previous = current;
      current = new IdTable();
      currentSince = limits.nowMillis();
    }
    // An entry older than the current generation still lives in it for a window past its time.
    current.put(hi, lo, entry, atMillis);
  }

  int size() {
    return current.size() + previous.size();
  }

  long bytes() {
    return current.bytes() + previous.bytes();
  }

  long droppedEarly() {
    return droppedEarly;
  }

  /**
   * This bucket holds every id only since {@code millis} (-1: no change): it was refilled from a
   * log that retention had cut within the window.
   */
  void keepsEveryIdSince(long millis) {
    keptSince = Math.max(keptSince, millis);
  }

  /**
   * Since when this bucket still holds every id, when a generation ended early and dropped ids or a
   * refill lacked part of the window; -1 if neither happened. Until a window has passed since then,
   * the window is that much shorter.
   */
  long keptSince() {
    return keptSince;
  }

  /**
   * What bounds a bucket, as of one change.
   *
   * @param incarnation what a bucket this change makes is called: drawn by the caller, so that the
   *     backup replica makes the same one
   */
  record Limits(long nowMillis, long windowMillis, int maxEntriesPerGeneration, long incarnation) {
    void writeTo(ObjectDataOutput out) throws IOException {
      out.writeLong(nowMillis);
      out.writeLong(windowMillis);
      out.writeInt(maxEntriesPerGeneration);
      out.writeLong(incarnation);
    }

    static Limits readFrom(ObjectDataInput in) throws IOException {
      return new Limits(in.readLong(), in.readLong(), in.readInt(), in.readLong());
    }
  }

  @Override
  public int getClassId() {
    return DedupSerialization.BUCKET;
  }

  @Override
  public void writeData(ObjectDataOutput out) throws IOException {
    out.writeLong(incarnation);
    out.writeLong(recordedThrough);
    out.writeLong(aheadAfter);
    out.writeLong(aheadThrough);
    out.writeLong(currentSince);
    out.writeLong(droppedEarly);
    out.writeLong(keptSince);
    current.writeTo(out);
    previous.writeTo(out);
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
    incarnation = in.readLong();
    recordedThrough = in.readLong();
    aheadAfter = in.readLong();
    aheadThrough = in.readLong();
    currentSince = in.readLong();
    droppedEarly = in.readLong();
    keptSince = in.readLong();
    current = IdTable.readFrom(in);
    previous = IdTable.readFrom(in);
  }
}
