package io.eventstreamcore.node.dedup;

import com.hazelcast.map.EntryProcessor;
import java.io.Serial;
import java.io.Serializable;
import java.util.Map;

/**
 * Runs on the member that owns an id's partition: claims the id for a batch about to be replicated,
 * unless the id is already stored (then the entry is returned: a duplicate) or claimed by a batch
 * that may still commit. A claim left by an earlier term, or older than {@code staleAfterMillis},
 * belongs to a batch that can no longer commit: a node only serves writes once every batch
 * committed before its term has been recorded as stored (see {@link DedupMarker}).
 */
final class Claim implements EntryProcessor<String, long[], long[]>, Serializable {
  @Serial private static final long serialVersionUID = 1L;

  private final long term;
  private final long batchId;
  private final long nowMillis;
  private final long staleAfterMillis;

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
}
