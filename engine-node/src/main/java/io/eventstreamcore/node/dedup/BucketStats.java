package io.eventstreamcore.node.dedup;

import com.hazelcast.core.ReadOnly;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import java.util.Map;

/**
 * A bucket's {entries, bytes, ids dropped early, kept since}, read where it lives: Hazelcast cannot
 * size values it keeps as objects, so the table's metrics add these up over the buckets a member
 * owns.
 */
final class BucketStats extends DedupSerializable
    implements EntryProcessor<Integer, IdBucket, long[]>, ReadOnly {
  @Override
  public long[] process(Map.Entry<Integer, IdBucket> entry) {
    IdBucket b = entry.getValue();
    return b == null
        ? new long[] {0, 0, 0, -1}
        : new long[] {b.size(), b.bytes(), b.droppedEarly(), b.keptSince()};
  }

  @Override
  public EntryProcessor<Integer, IdBucket, long[]> getBackupProcessor() {
    return null;
  }

  @Override
  public int getClassId() {
    return DedupSerialization.STATS;
  }

  @Override
  public void writeData(ObjectDataOutput out) {}

  @Override
  public void readData(ObjectDataInput in) {}
}
