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
 * <p>A bucket made anew (the first time, after Hazelcast lost its partition, or after every member
 * restarted) does not hold the records of what was stored before it: it is <em>incomplete</em>, and
 * answers nothing about a key until the leader has refilled it from its log ({@link
 * IncompleteBucketRefill}).
 *
 * <p>Only the entry processors touch a bucket, on its partition's thread, and every change takes
 * the time (and the incarnation of a bucket it creates) as an argument, so the backup replica
 * replays it to the same state.
 */
final class IdBucket extends DedupSerializable {
  /**
   * Which making of this bucket it is: one lost and made again has another, so a refill that read
   * the log for one incarnation cannot declare the next one complete.
   */
  private long incarnation;

  /** Holds the record of every event stored within the window, but those not yet written. */
  private boolean complete;

  private IdTable current = new IdTable();
  private IdTable previous = new IdTable();
  private long currentSince = -1;
  private long droppedEarly;
  private long keptSince = -1;

  /** For {@link DedupSerialization}, which reads the fields next. */
  IdBucket() {}

  /** An incomplete bucket, made by a change that found none. */
  static IdBucket madeBy(Limits limits) {
    IdBucket b = new IdBucket();
    b.incarnation = limits.incarnation();
    return b;
  }

  long incarnation() {
    return incarnation;
  }

  boolean isComplete() {
    return complete;
  }

  void completed() {
    complete = true;
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
   * Since when this bucket still holds every id, when a generation ended early and dropped ids; -1
   * if none ever did. Until a window has passed since then, the window is that much shorter.
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
    out.writeBoolean(complete);
    out.writeLong(currentSince);
    out.writeLong(droppedEarly);
    out.writeLong(keptSince);
    current.writeTo(out);
    previous.writeTo(out);
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
    incarnation = in.readLong();
    complete = in.readBoolean();
    currentSince = in.readLong();
    droppedEarly = in.readLong();
    keptSince = in.readLong();
    current = IdTable.readFrom(in);
    previous = IdTable.readFrom(in);
  }
}
