package io.eventstreamcore.node.dedup;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import java.io.IOException;
import java.util.Map;

/**
 * Runs on the member that owns a bucket once the log's window has been written into it: declares it
 * recorded through the last index the refill read, but only if it is still the incarnation the
 * refill surveyed. One made anew since (its partition lost again) lacks what the refill wrote.
 */
final class CompleteBuckets extends DedupSerializable
    implements EntryProcessor<Integer, IdBucket, Boolean> {
  /** The surveyed incarnation of each bucket, by bucket id. */
  private long[] incarnations;

  private long refilledThrough;
  private long keptSince;

  /** For {@link DedupSerialization}. */
  CompleteBuckets() {}

  /**
   * @param refilledThrough the log index through which the refill read every event of the window
   * @param keptSince since when the refill wrote every id, if retention had deleted part of the
   *     window from the log; -1 if it had not
   */
  CompleteBuckets(long[] incarnations, long refilledThrough, long keptSince) {
    this.incarnations = incarnations;
    this.refilledThrough = refilledThrough;
    this.keptSince = keptSince;
  }

  @Override
  public Boolean process(Map.Entry<Integer, IdBucket> entry) {
    IdBucket bucket = entry.getValue();
    if (bucket == null || bucket.incarnation() != incarnations[entry.getKey()]) {
      return false;
    }
    bucket.refilledThrough(refilledThrough);
    bucket.keepsEveryIdSince(keptSince);
    entry.setValue(bucket);
    return true;
  }

  @Override
  public int getClassId() {
    return DedupSerialization.COMPLETE;
  }

  @Override
  public void writeData(ObjectDataOutput out) throws IOException {
    out.writeLongArray(incarnations);
    out.writeLong(refilledThrough);
    out.writeLong(keptSince);
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
    incarnations = in.readLongArray();
    refilledThrough = in.readLong();
    keptSince = in.readLong();
  }
}
