package io.eventstreamcore.node.dedup;

import com.hazelcast.core.ReadOnly;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import java.io.IOException;
import java.util.Map;

/**
 * Reads one key's entry where its bucket lives, instead of copying the whole bucket here; UNKNOWN
 * from a bucket that is missing or not recorded through the index asked for ({@link IdBucket}).
 */
final class Lookup extends DedupSerializable
    implements EntryProcessor<Integer, IdBucket, long[]>, ReadOnly {
  private long hi;
  private long lo;
  private long recordedThrough;
  private IdBucket.Limits limits;

  /** For {@link DedupSerialization}. */
  Lookup() {}

  Lookup(DedupKey key, long recordedThrough, IdBucket.Limits limits) {
    this.hi = key.hi();
    this.lo = key.lo();
    this.recordedThrough = recordedThrough;
    this.limits = limits;
  }

  @Override
  public long[] process(Map.Entry<Integer, IdBucket> entry) {
    IdBucket bucket = entry.getValue();
    return bucket == null || bucket.recordedThrough() < recordedThrough
        ? DedupEntry.unknown()
        : bucket.get(hi, lo, limits);
  }

  @Override
  public EntryProcessor<Integer, IdBucket, long[]> getBackupProcessor() {
    return null;
  }

  @Override
  public int getClassId() {
    return DedupSerialization.LOOKUP;
  }

  @Override
  public void writeData(ObjectDataOutput out) throws IOException {
    out.writeLong(hi);
    out.writeLong(lo);
    out.writeLong(recordedThrough);
    limits.writeTo(out);
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
    hi = in.readLong();
    lo = in.readLong();
    recordedThrough = in.readLong();
    limits = IdBucket.Limits.readFrom(in);
  }
}
