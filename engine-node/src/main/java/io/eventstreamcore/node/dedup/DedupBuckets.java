package io.eventstreamcore.node.dedup;

import com.hazelcast.map.IMap;
import com.hazelcast.partition.PartitionService;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * The dedup map seen by its users: keys are claimed, recorded and looked up by entry processors
 * that run where each key's bucket lives. A call sends each partition it touches one operation
 * carrying only that partition's keys.
 */
final class DedupBuckets {
  private final IMap<Integer, IdBucket> map;
  private final int[] partitionOfBucket = new int[DedupKey.BUCKETS];
  private final long windowMillis;
  private final int maxEntriesPerGeneration;

  /**
   * @param maxEntriesPerGeneration a bucket's current generation ends early at this size
   */
  DedupBuckets(
      IMap<Integer, IdBucket> map,
      PartitionService partitions,
      long windowMillis,
      int maxEntriesPerGeneration) {
    this.map = map;
    for (int b = 0; b < partitionOfBucket.length; b++) {
      partitionOfBucket[b] = partitions.getPartition(b).getPartitionId();
    }
    this.windowMillis = windowMillis;
    this.maxEntriesPerGeneration = maxEntriesPerGeneration;
  }

  /**
   * Claims the keys for a batch; completes with the entries that kept some of them from being
   * claimed (see {@link Claim}), keyed by key.
   */
  CompletableFuture<Map<DedupKey, long[]>> claim(
      List<DedupKey> distinct, long term, long batchId, long staleAfterMillis) {
    IdBucket.Limits limits = limits();
    Map<DedupKey, long[]> blocking = new HashMap<>();
    return perPartition(
            distinct,
            null,
            keys ->
                map.submitToKeys(
                        keys.bucketIds(), new Claim(term, batchId, staleAfterMillis, limits, keys))
                    .toCompletableFuture()
                    .thenAccept(
                        rowsByBucket -> {
                          synchronized (blocking) {
                            for (long[] rows : rowsByBucket.values()) {
                              for (int r = 0; rows != null && r < rows.length / Claim.ROW; r++) {
                                blocking.put(
                                    keys.key((int) rows[r * Claim.ROW]), Claim.entryOf(rows, r));
                              }
                            }
                          }
                        }))
        .thenApply(done -> blocking);
  }

  /** Records each key as STORED at its offset. */
  CompletableFuture<Void> markStored(Map<DedupKey, Long> offsets) {
    List<DedupKey> keys = new ArrayList<>(offsets.keySet());
    long[] values = new long[keys.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = offsets.get(keys.get(i));
    }
    IdBucket.Limits limits = limits();
    return perPartition(
        keys,
        values,
        stored ->
            map.submitToKeys(stored.bucketIds(), new MarkStored(limits, stored))
                .toCompletableFuture()
                .thenAccept(done -> {}));
  }

  /** The key's entry in {@link DedupEntry}'s form, or null. */
  CompletableFuture<long[]> lookup(DedupKey key) {
    return map.submitToKey(key.bucket(), new Lookup(key, limits())).toCompletableFuture();
  }

  /**
   * {entries, bytes, ids dropped early} summed over the buckets this member owns, and the latest
   * time since which one of them holds every id after dropping some early (-1 if none did).
   */
  long[] localStats() {
    long[] sum = {0, 0, 0, -1};
    for (long[] s : map.executeOnKeys(map.localKeySet(), new BucketStats()).values()) {
      for (int i = 0; i < 3; i++) {
        sum[i] += s[i];
      }
      sum[3] = Math.max(sum[3], s[3]);
    }
    return sum;
  }

  /** Runs {@code call} once per partition, with that partition's keys (and values, if any). */
  private CompletableFuture<Void> perPartition(
      List<DedupKey> keys, long[] values, Function<BucketedKeys, CompletableFuture<Void>> call) {
    Map<Integer, List<Integer>> byPartition = new HashMap<>();
    for (int i = 0; i < keys.size(); i++) {
      byPartition
          .computeIfAbsent(partitionOfBucket[keys.get(i).bucket()], p -> new ArrayList<>())
          .add(i);
    }
    List<CompletableFuture<Void>> calls = new ArrayList<>(byPartition.size());
    for (List<Integer> indexes : byPartition.values()) {
      List<DedupKey> part = new ArrayList<>(indexes.size());
      long[] partValues = values == null ? null : new long[indexes.size()];
      for (int j = 0; j < indexes.size(); j++) {
        part.add(keys.get(indexes.get(j)));
        if (values != null) {
          partValues[j] = values[indexes.get(j)];
        }
      }
      calls.add(call.apply(new BucketedKeys(part, partValues)));
    }
    return CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new));
  }

  private IdBucket.Limits limits() {
    return new IdBucket.Limits(System.currentTimeMillis(), windowMillis, maxEntriesPerGeneration);
  }
}
