package io.eventstreamcore.node.dedup;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import java.io.IOException;
import java.util.Map;

/**
 * Runs on the member that owns a bucket: answers its incarnation if it is not recorded through the
 * index asked for, null if it is. A bucket that is missing is made (holding no records), so that
 * the refill that follows reads the log for an incarnation that exists.
 */
final class BucketSurvey extends DedupSerializable
    implements EntryProcessor<Integer, IdBucket, Long> {
  private IdBucket.Limits limits;
  private long recordedThrough;

  /** For {@link DedupSerialization}. */
  BucketSurvey() {}

  BucketSurvey(IdBucket.Limits limits, long recordedThrough) {
    this.limits = limits;
    this.recordedThrough = recordedThrough;
  }

  @Override
  public Long process(Map.Entry<Integer, IdBucket> entry) {
    IdBucket bucket = entry.getValue();
    if (bucket == null) {
      bucket = IdBucket.madeBy(limits);
      entry.setValue(bucket);
    }
    return bucket.recordedThrough() >= recordedThrough ? null : bucket.incarnation();
  }

  @Override
  public int getClassId() {
    return DedupSerialization.SURVEY;
  }

  @Override
  public void writeData(ObjectDataOutput out) throws IOException {
    limits.writeTo(out);
    out.writeLong(recordedThrough);
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
    limits = IdBucket.Limits.readFrom(in);
    recordedThrough = in.readLong();
  }
}
