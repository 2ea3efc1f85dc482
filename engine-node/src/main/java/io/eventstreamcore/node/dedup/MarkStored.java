package io.eventstreamcore.node.dedup;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import java.io.IOException;
import java.util.Map;

/**
 * Runs on the member that owns a bucket: records each of its keys as STORED at the offset carried
 * with it, replacing a claim (or an earlier record of the same id, stored again after its window),
 * and, when the write carries every record of a part of the log, notes that part in the bucket
 * ({@link IdBucket#recorded}). A bucket it has to make holds none of the records before.
 */
final class MarkStored extends DedupSerializable
    implements EntryProcessor<Integer, IdBucket, Void> {
  private IdBucket.Limits limits;
  private long storedAtMillis;
  private BucketedKeys offsets;
  private long after;
  private long through;

  /** For {@link DedupSerialization}. */
  MarkStored() {}

  /**
   * @param storedAtMillis when the events were stored (the latest of them): each key's window
   *     starts then, not when the record is written
   * @param offsets each key with the topic offset its event was stored at
   * @param after with {@code through}: the part of the log (after, through] whose every record this
   *     write carries; empty when equal
   */
  MarkStored(
      IdBucket.Limits limits, long storedAtMillis, BucketedKeys offsets, long after, long through) {
    this.limits = limits;
    this.storedAtMillis = Math.min(storedAtMillis, limits.nowMillis());
    this.offsets = offsets;
    this.after = after;
    this.through = through;
  }

  @Override
  public Void process(Map.Entry<Integer, IdBucket> entry) {
    IdBucket bucket = entry.getValue() != null ? entry.getValue() : IdBucket.madeBy(limits);
    for (int i = offsets.start(entry.getKey()), end = offsets.end(entry.getKey()); i < end; i++) {
      bucket.put(
          offsets.hi(i),
          offsets.lo(i),
          DedupEntry.stored(offsets.value(i)),
          limits,
          storedAtMillis);
    }
    bucket.recorded(after, through);
    entry.setValue(bucket);
    return null;
  }

  @Override
  public int getClassId() {
    return DedupSerialization.MARK_STORED;
  }

  @Override
  public void writeData(ObjectDataOutput out) throws IOException {
    limits.writeTo(out);
    out.writeLong(storedAtMillis);
    offsets.writeTo(out);
    out.writeLong(after);
    out.writeLong(through);
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
    limits = IdBucket.Limits.readFrom(in);
    storedAtMillis = in.readLong();
    offsets = BucketedKeys.readFrom(in);
    after = in.readLong();
    through = in.readLong();
  }
}
