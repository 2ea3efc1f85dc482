package io.eventstreamcore.node.dedup;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.partition.PartitionService;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BiFunction;

/**
 * The dedup map seen by its users: keys are claimed, recorded and looked up by entry processors
 * that run where each key's bucket lives. A call sends each partition it touches one operation
 * carrying only that partition's keys.
 *
 * <p>This node's Hazelcast member starts in the background, so that Raft does not wait for it (a
 * member's start and join took 8.5 s of a node's start under load). Until it is up, a claim or a
 * lookup fails at once (the leader then refuses only the ids that need the table) and records wait
 * for it.
 */
final class DedupBuckets {
  /** What a call needs of the member, once it is up. */
  private record Started(
      IMap<Integer, IdBucket> map,
      int[] partitionOfBucket,
      Map<Integer, Set<Integer>> bucketsOfPartition) {}

  private final CompletableFuture<Started> started;
  private final long windowMillis;
  private final int maxEntriesPerGeneration;

  /**
   * @param member completes once this node's member has started and joined
   * @param maxEntriesPerGeneration a bucket's current generation ends early at this size
   */
  DedupBuckets(
      CompletableFuture<HazelcastInstance> member, long windowMillis, int maxEntriesPerGeneration) {
    this.started = member.thenApply(DedupBuckets::startedOn);
    this.windowMillis = windowMillis;
    this.maxEntriesPerGeneration = maxEntriesPerGeneration;
  }

  private static Started startedOn(HazelcastInstance member) {
    PartitionService partitions = member.getPartitionService();
    int[] partitionOfBucket = new int[DedupKey.BUCKETS];
    Map<Integer, Set<Integer>> bucketsOfPartition = new HashMap<>();
    for (int b = 0; b < partitionOfBucket.length; b++) {
      partitionOfBucket[b] = partitions.getPartition(b).getPartitionId();
      bucketsOfPartition.computeIfAbsent(partitionOfBucket[b], p -> new HashSet<>()).add(b);
    }
    return new Started(member.getMap(DedupTable.MAP), partitionOfBucket, bucketsOfPartition);
  }

  /** The started member's view, or a failure at once while it is still starting. */
  private CompletableFuture<Started> now() {
    return started.isDone()
        ? started
        : CompletableFuture.failedFuture(
            new IllegalStateException("this node's Hazelcast member is still starting"));
  }

  boolean isStarted() {
    return started.isDone() && !started.isCompletedExceptionally();
  }

  /**
   * Claims the keys for a batch; completes with the entries that kept some of them from being
   * claimed (see {@link Claim}), keyed by key.
   *
   * @param recordedThrough the least a bucket must be recorded through to answer ({@link
   *     DedupMarker#askedThrough})
   */
  CompletableFuture<Map<DedupKey, long[]>> claim(
      List<DedupKey> distinct,
      long term,
      long batchId,
      long staleAfterMillis,
      long recordedThrough) {
    Claim.Request request = new Claim.Request(term, batchId, staleAfterMillis, recordedThrough);
    return now().thenCompose(table -> claimIn(table, distinct, request));
  }

  private CompletableFuture<Map<DedupKey, long[]>> claimIn(
      Started table, List<DedupKey> distinct, Claim.Request request) {
    IdBucket.Limits limits = limits();
    Map<DedupKey, long[]> blocking = new HashMap<>();
    return perPartition(
            table,
            distinct,
            null,
            false,
            (keys, buckets) ->
                table
                    .map()
                    .submitToKeys(buckets, new Claim(request, limits, keys))
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

  /**
   * Records each key as STORED at its offset; waits for the member if it is still starting.
   *
   * @param storedAtMillis when the latest of these events was stored: their window starts then
   */
  CompletableFuture<Void> markStored(Map<DedupKey, Long> offsets, long storedAtMillis) {
    return markStored(offsets, storedAtMillis, -1, -1);
  }

  /**
   * Records each key as STORED at its offset, as every record of the log's entries (after, through]
   * (see {@link IdBucket#recorded}); every bucket is told of that part of the log, whether it has
   * keys in it or not. Waits for the member if it is still starting.
   */
  CompletableFuture<Void> markStored(
      Map<DedupKey, Long> offsets, long storedAtMillis, long after, long through) {
    List<DedupKey> keys = new ArrayList<>(offsets.keySet());
    long[] values = new long[keys.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = offsets.get(keys.get(i));
    }
    return started.thenCompose(
        table -> {
          IdBucket.Limits limits = limits();
          return perPartition(
              table,
              keys,
              values,
              through > after,
              (stored, buckets) ->
                  table
                      .map()
                      .submitToKeys(
                          buckets, new MarkStored(limits, storedAtMillis, stored, after, through))
                      .toCompletableFuture()
                      .thenAccept(done -> {}));
        });
  }

  /**
   * The key's entry in {@link DedupEntry}'s form, or null.
   *
   * @param recordedThrough the least a bucket must be recorded through to answer ({@link
   *     DedupMarker#askedThrough})
   */
  CompletableFuture<long[]> lookup(DedupKey key, long recordedThrough) {
    return now()
        .thenCompose(
            table ->
                table
                    .map()
                    .submitToKey(key.bucket(), new Lookup(key, recordedThrough, limits()))
                    .toCompletableFuture());
  }

  /**
   * The incarnation of every bucket not recorded through {@code recordedThrough} (incomplete), by
   * bucket id; a missing bucket is made and answered too. Fails at once while the member is
   * starting.
   */
  CompletableFuture<Map<Integer, Long>> incompleteBuckets(long recordedThrough) {
    return now()
        .thenCompose(
            table ->
                table
                    .map()
                    .submitToKeys(allBucketIds(), new BucketSurvey(limits(), recordedThrough))
                    .toCompletableFuture())
        .thenApply(
            answers -> {
              Map<Integer, Long> incomplete = new HashMap<>();
              answers.forEach(
                  (bucket, incarnation) -> {
                    if (incarnation != null) {
                      incomplete.put(bucket, incarnation);
                    }
                  });
              return incomplete;
            });
  }

  /**
   * Declares the buckets recorded through {@code refilledThrough} if each is still the incarnation
   * given; completes with the ids of those that were.
   *
   * @param keptSince since when they hold every id, if the refill lacked part of the window; -1 if
   *     it did not
   */
  CompletableFuture<Set<Integer>> complete(
      Map<Integer, Long> incarnations, long refilledThrough, long keptSince) {
    long[] byBucket = new long[DedupKey.BUCKETS];
    incarnations.forEach((bucket, incarnation) -> byBucket[bucket] = incarnation);
    return now()
        .thenCompose(
            table ->
                table
                    .map()
                    .submitToKeys(
                        incarnations.keySet(),
                        new CompleteBuckets(byBucket, refilledThrough, keptSince))
                    .toCompletableFuture())
        .thenApply(
            answers -> {
              Set<Integer> done = new HashSet<>();
              answers.forEach(
                  (bucket, completed) -> {
                    if (Boolean.TRUE.equals(completed)) {
                      done.add(bucket);
                    }
                  });
              return done;
            });
  }

  private static Set<Integer> allBucketIds() {
    Set<Integer> ids = new HashSet<>();
    for (int b = 0; b < DedupKey.BUCKETS; b++) {
      ids.add(b);
    }
    return ids;
  }

  /**
   * {entries, bytes, ids dropped early} summed over the buckets this member owns, and the latest
   * time since which one of them holds every id after dropping some early (-1 if none did); zeros
   * while the member is starting.
   */
  long[] localStats() {
    long[] sum = {0, 0, 0, -1};
    if (!isStarted()) {
      return sum;
    }
    IMap<Integer, IdBucket> map = started.join().map();
    for (long[] s : map.executeOnKeys(map.localKeySet(), new BucketStats()).values()) {
      for (int i = 0; i < 3; i++) {
        sum[i] += s[i];
      }
      sum[3] = Math.max(sum[3], s[3]);
    }
    return sum;
  }

  /**
   * Runs {@code call} once per partition, with that partition's keys (and values, if any) and the
   * buckets to run on: those of its keys, or with {@code everyBucket} all of the partition's.
   */
  private static CompletableFuture<Void> perPartition(
      Started table,
      List<DedupKey> keys,
      long[] values,
      boolean everyBucket,
      BiFunction<BucketedKeys, Set<Integer>, CompletableFuture<Void>> call) {
    Map<Integer, List<Integer>> byPartition = new HashMap<>();
    if (everyBucket) {
      table.bucketsOfPartition().keySet().forEach(p -> byPartition.put(p, new ArrayList<>()));
    }
    for (int i = 0; i < keys.size(); i++) {
      byPartition
          .computeIfAbsent(table.partitionOfBucket()[keys.get(i).bucket()], p -> new ArrayList<>())
          .add(i);
    }
    List<CompletableFuture<Void>> calls = new ArrayList<>(byPartition.size());
    for (Map.Entry<Integer, List<Integer>> partition : byPartition.entrySet()) {
      List<Integer> indexes = partition.getValue();
      List<DedupKey> part = new ArrayList<>(indexes.size());
      long[] partValues = values == null ? null : new long[indexes.size()];
      for (int j = 0; j < indexes.size(); j++) {
        part.add(keys.get(indexes.get(j)));
        if (values != null) {
          partValues[j] = values[indexes.get(j)];
        }
      }
      BucketedKeys bucketed = new BucketedKeys(part, partValues);
      Set<Integer> buckets =
          everyBucket ? table.bucketsOfPartition().get(partition.getKey()) : bucketed.bucketIds();
      calls.add(call.apply(bucketed, buckets));
    }
    return CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new));
  }

  private IdBucket.Limits limits() {
    return new IdBucket.Limits(
        System.currentTimeMillis(),
        windowMillis,
        maxEntriesPerGeneration,
        ThreadLocalRandom.current().nextLong());
  }
}
