package io.eventstreamcore.node.dedup;

import io.eventstreamcore.node.replication.Admission;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * Admits a batch's events. Keys this node's filters never saw are admitted at once; the rest are
 * claimed in the dedup table, in at most one round trip per batch (batches formed meanwhile share
 * it: {@link ClaimGroups}). An id stored before within the window is answered DUPLICATE with its
 * offset; an id carried by a batch that may still commit is refused (retryable) until that batch
 * settles.
 */
final class Deduplicator implements Admission {
  private static final Verdict IN_FLIGHT =
      new Refuse("an earlier send of this id is still being replicated; retry");

  private final DedupBuckets table;
  private final ClaimGroups claims;
  private final TableTriage triage;
  private final InFlightIds inFlight;
  private final DedupMarker marker;
  private final LostEntryRefill refill;
  private final LongSupplier term;
  private final BooleanSupplier leading;
  private final DedupMetrics metrics;

  /**
   * @param staleClaimMillis after this, a claim's batch can no longer commit (longer than a batch's
   *     whole time in Raft, retries included)
   */
  Deduplicator(
      DedupBuckets table,
      RecentIds recent,
      InFlightIds inFlight,
      DedupMarker marker,
      LostEntryRefill refill,
      LongSupplier term,
      BooleanSupplier leading,
      long staleClaimMillis,
      DedupMetrics metrics) {
    this.table = table;
    this.claims =
        new ClaimGroups(
            (keys, t, claimId) -> table.claim(keys, t, claimId, staleClaimMillis), metrics);
    this.triage = new TableTriage(inFlight, recent, marker::unwritten, metrics);
    this.inFlight = inFlight;
    this.marker = marker;
    this.refill = refill;
    this.term = term;
    this.leading = leading;
    this.metrics = metrics;
  }

  @Override
  public long recordedThrough() {
    return marker.recordedThrough();
  }

  @Override
  public CompletableFuture<List<Verdict>> admit(long batchId, List<ByteBuffer> events) {
    long currentTerm = term.getAsLong();
    if (!leading.getAsBoolean()) {
      // Its filters and in-flight keys cover only what this node applied and admitted: a batch the
      // leader has in flight would not be seen (docs/decisions/0013-only-the-leader-admits.md).
      return refuseAll(events, "this node does not lead; retry");
    }
    if (!marker.consistentFor(currentTerm)) {
      return refuseAll(events, "dedup table still recording the log before term " + currentTerm);
    }
    if (refill.inProgress()) {
      return refuseAll(events, "dedup table refilling entries Hazelcast lost from the log");
    }
    List<DedupKey> keys = new ArrayList<>(events.size());
    for (ByteBuffer e : events) {
      keys.add(DedupKey.of(e));
    }
    List<DedupKey> distinct = new ArrayList<>(new LinkedHashSet<>(keys));
    TableTriage.Sorted sorted =
        triage.sort(currentTerm, batchId, distinct, System.currentTimeMillis());
    CompletableFuture<Map<DedupKey, long[]>> fromTable;
    if (sorted.ask().isEmpty()) {
      fromTable = CompletableFuture.completedFuture(Map.of());
    } else {
      long start = System.nanoTime();
      fromTable =
          claims
              .claim(currentTerm, batchId, sorted.ask())
              .thenCompose(
                  previous -> {
                    metrics.lookup(System.nanoTime() - start);
                    return settleInFlight(previous);
                  })
              .toCompletableFuture();
    }
    return fromTable
        .thenApply(previous -> verdicts(batchId, keys, sorted, previous))
        .whenComplete(
            (verdicts, error) -> {
              if (error != null) {
                inFlight.release(batchId, distinct);
              }
            });
  }

  /**
   * Replaces claims whose batch did commit by their STORED entry. The producer was answered as soon
   * as that batch applied here, so its resend can overtake the record; the entry is then still in
   * this node's unwritten records, or (if the write landed during the claim) in the table.
   */
  private CompletionStage<Map<DedupKey, long[]>> settleInFlight(Map<DedupKey, long[]> previous) {
    Map<DedupKey, long[]> settled = new ConcurrentHashMap<>();
    List<CompletableFuture<?>> rereads = new ArrayList<>();
    for (Map.Entry<DedupKey, long[]> e : previous.entrySet()) {
      settled.put(e.getKey(), e.getValue());
      if (DedupEntry.isStored(e.getValue())) {
        continue;
      }
      long[] unwritten = marker.unwritten(e.getKey());
      if (unwritten != null) {
        settled.put(e.getKey(), unwritten);
      } else {
        rereads.add(
            table
                .lookup(e.getKey())
                .thenAccept(now -> settled.put(e.getKey(), now == null ? e.getValue() : now)));
      }
    }
    if (rereads.isEmpty()) {
      return CompletableFuture.completedFuture(settled);
    }
    return CompletableFuture.allOf(rereads.toArray(CompletableFuture[]::new))
        .thenApply(done -> settled);
  }

  private static CompletableFuture<List<Verdict>> refuseAll(
      List<ByteBuffer> events, String reason) {
    Verdict refuse = new Refuse(reason);
    return CompletableFuture.completedFuture(events.stream().map(e -> refuse).toList());
  }

  private List<Verdict> verdicts(
      long batchId, List<DedupKey> keys, TableTriage.Sorted sorted, Map<DedupKey, long[]> table) {
    List<Verdict> verdicts = new ArrayList<>(keys.size());
    Set<DedupKey> seen = new HashSet<>();
    List<DedupKey> notCarried = new ArrayList<>();
    int hits = 0;
    int heldBack = 0;
    for (DedupKey key : keys) {
      long[] before = sorted.known().getOrDefault(key, table.get(key));
      if (!seen.add(key)) {
        heldBack++;
        verdicts.add(new Refuse("the same id came twice in one batch; retry"));
      } else if (sorted.held().contains(key)) {
        heldBack++;
        verdicts.add(IN_FLIGHT);
      } else if (before == null) {
        verdicts.add(ADMIT);
      } else if (DedupEntry.isStored(before)) {
        hits++;
        verdicts.add(new Duplicate(DedupEntry.offset(before)));
        notCarried.add(key);
      } else {
        heldBack++;
        verdicts.add(IN_FLIGHT);
        notCarried.add(key);
      }
    }
    metrics.outcomes(hits, keys.size() - hits - heldBack, heldBack);
    inFlight.release(batchId, notCarried);
    return verdicts;
  }
}
