package io.eventstreamcore.node.dedup;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import java.io.IOException;
import java.util.Map;

/**
 * Runs on the member that owns an id's partition: claims the id for a batch about to be replicated,
 * unless the id is already stored (then the entry is returned: a duplicate) or claimed by a batch
 * that may still commit. A claim left by an earlier term, or older than {@code staleAfterMillis},
 * belongs to a batch that can no longer commit: a node only serves writes once every batch
 * committed before its term has been recorded as stored (see {@link DedupMarker}).
 */
final class Claim implements EntryProcessor<String, long[], long[]>, IdentifiedDataSerializable {
  private long term;
  private long batchId;
  private long nowMillis;
  private long staleAfterMillis;

  /** For {@link DedupSerialization}. */
  Claim() {}

  Claim(long term, long batchId, long nowMillis, long staleAfterMillis) {
    this.term = term;
    this.batchId = batchId;
    this.nowMillis = nowMillis;
    this.staleAfterMillis = staleAfterMillis;
  }

  @Override
  public long[] process(Map.Entry<String, long[]> entry) {
    long[] current = entry.getValue();
    if (current != null) {
      if (DedupEntry.isStored(current)) {
        return current;
      }
      boolean live =
          DedupEntry.term(current) >= term
              && nowMillis - DedupEntry.claimedAt(current) < staleAfterMillis;
      if (live && DedupEntry.batch(current) != batchId) {
        return current;
      }
    }
    entry.setValue(DedupEntry.claimed(term, batchId, nowMillis));
    return null;
  }

  @Override
  public int getFactoryId() {
    return DedupSerialization.FACTORY_ID;
  }

  @Override
  public int getClassId() {
    return DedupSerialization.CLAIM;
  }

  @Override
  public void writeData(ObjectDataOutput out) throws IOException {
    out.writeLong(term);
    out.writeLong(batchId);
    out.writeLong(nowMillis);
    out.writeLong(staleAfterMillis);
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
    term = in.readLong();
    batchId = in.readLong();
    nowMillis = in.readLong();
    staleAfterMillis = in.readLong();
  }
}
