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
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * Admits a batch's events. Keys this node's filters never saw are admitted at once; the rest are
 * claimed in the dedup table, in at most one round trip per batch (batches formed meanwhile share
 * it: {@link ClaimGroups}). An id stored before within the window is answered DUPLICATE with its
 * offset; an id carried by a batch that may still commit is refused (retryable) until that batch
 * settles. When the table cannot answer (a new leader's records not yet written, a member cut off
 * or paused), only the ids it would have been asked about are refused, retryable; ids this node's
 * filters never saw go on, so a slow table never stops the write path
 * (docs/decisions/0020-dedup-falls-back-to-the-log.md).
 */
final class Deduplicator implements Admission {
  /** The table's entries for the keys asked, or why it gave none. */
  private record TableAnswer(Map<DedupKey, long[]> entries, String unanswered) {
    static TableAnswer of(Map<DedupKey, long[]> entries) {
      return new TableAnswer(entries, null);
    }

    static TableAnswer none(String why) {
      return new TableAnswer(Map.of(), why);
    }
  }

  private static final Verdict IN_FLIGHT =
      new Refuse("an earlier send of this id is still being replicated; retry");

  private static final Verdict REFILLING =
      new Refuse("dedup table refilling this id's bucket from the log; retry");

  private final DedupBuckets table;
  private final ClaimGroups claims;
  private final TableTriage triage;
  private final InFlightIds inFlight;
  private final DedupMarker marker;
  private final IncompleteBucketRefill refill;
  private final LongSupplier term;
  private final BooleanSupplier leading;
  private final long tableWithinMillis;
  private final DedupMetrics metrics;

  /**
   * @param staleClaimMillis after this, the table lets a claim of this term be taken over without a
   *     reread; whether its batch may still commit is the in-flight ids' to say, and they never
   *     lapse by age (docs/decisions/0025)
   * @param tableWithinMillis the longest a batch waits for the table's answer: a member that is cut
   *     off or paused holds its partitions' calls until Hazelcast drops it, seconds later
   */
  Deduplicator(
      DedupBuckets table,
      RecentIds recent,
      InFlightIds inFlight,
      DedupMarker marker,
      IncompleteBucketRefill refill,
      LongSupplier term,
      BooleanSupplier leading,
      long staleClaimMillis,
      long tableWithinMillis,
      DedupMetrics metrics) {
    this.table = table;
    this.claims =
        new ClaimGroups(
            (keys, t, claimId) ->
                table.claim(keys, t, claimId, staleClaimMillis, marker.askedThrough()),
            tableWithinMillis,
            metrics);
    this.triage = new TableTriage(inFlight, recent, marker::unwritten, metrics);
    this.inFlight = inFlight;
    this.marker = marker;
    this.refill = refill;
    this.term = term;
    this.leading = leading;
    this.tableWithinMillis = tableWithinMillis;
    this.metrics = metrics;
  }

  @Override
  public long recordedThrough() {
    return marker.recordedThrough();
  }

  @Override
  public void abandoned(long batchId, List<ByteBuffer> events) {
    List<DedupKey> keys = new ArrayList<>(events.size());
    for (ByteBuffer e : events) {
      keys.add(DedupKey.of(e));
    }
    inFlight.release(batchId, keys);
  }

  @Override
  public CompletableFuture<Verdicts> admit(long batchId, List<ByteBuffer> events) {
    long currentTerm = term.getAsLong();
    if (!leading.getAsBoolean()) {
      // Its filters and in-flight keys cover only what this node applied and admitted: a batch the
      // leader has in flight would not be seen (docs/decisions/0013-only-the-leader-admits.md).
      return refuseAll(currentTerm, events, "this node does not lead; retry");
    }
    if (!marker.appliedInto(currentTerm)) {
      // Entries of earlier terms may still commit ahead of this term's first: until it applied,
      // the filters may lack keys the log has.
      return refuseAll(
          currentTerm, events, "this leader has not applied its term's first entry yet; retry");
    }
    refill.ensure(currentTerm);
    List<DedupKey> keys = new ArrayList<>(events.size());
    for (ByteBuffer e : events) {
      keys.add(DedupKey.of(e));
    }
    List<DedupKey> distinct = new ArrayList<>(new LinkedHashSet<>(keys));
    TableTriage.Sorted sorted =
        triage.sort(currentTerm, batchId, distinct, System.currentTimeMillis());
    return ask(currentTerm, batchId, sorted.ask())
        .thenApply(
            answer ->
                new Verdicts(currentTerm, verdicts(currentTerm, batchId, keys, sorted, answer)))
        .whenComplete(
            (verdicts, error) -> {
              if (error != null) {
                inFlight.release(batchId, distinct);
              }
            });
  }

  /**
   * Asks the table about the keys the filters may have seen, if it can answer: only once it holds
   * every record of the log before this term, and within {@code tableWithinMillis}; a bucket that
   * is not complete answers its keys UNKNOWN. Otherwise those keys are refused (retryable) and the
   * batch's others go on: the filters, read from the Raft log, are certain about them whatever
   * Hazelcast is doing.
   */
  private CompletableFuture<TableAnswer> ask(long currentTerm, long batchId, List<DedupKey> ask) {
    if (ask.isEmpty()) {
      return CompletableFuture.completedFuture(TableAnswer.of(Map.of()));
    }
    if (!marker.recordedBefore(currentTerm)) {
      return unanswered("dedup table still recording the log before term " + currentTerm);
    }
    long start = System.nanoTime();
    return claims
        .claim(currentTerm, batchId, ask)
        .thenCompose(
            previous -> {
              metrics.lookup(System.nanoTime() - start);
              return settleInFlight(currentTerm, previous);
            })
        .toCompletableFuture()
        .orTimeout(tableWithinMillis, TimeUnit.MILLISECONDS)
        .thenApply(TableAnswer::of)
        .exceptionally(error -> TableAnswer.none("dedup table gave no answer: " + why(error)));
  }

  private static CompletableFuture<TableAnswer> unanswered(String why) {
    return CompletableFuture.completedFuture(TableAnswer.none(why));
  }

  private String why(Throwable error) {
    Throwable cause =
        error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    return cause instanceof TimeoutException
        ? "none within " + tableWithinMillis + " ms"
        : cause.getMessage();
  }

  /**
   * Replaces claims whose batch did commit by their STORED entry. The producer was answered as soon
   * as that batch applied here, so its resend can overtake the record; the entry is then still in
   * this node's unwritten records, or (if the write landed during the claim) in the table. A claim
   * of this term that is neither is dead: this leader's in-flight keys would have held a key whose
   * batch may still commit, so that batch did not carry it (its admission was refused or timed
   * out), and the key is admitted.
   */
  private CompletionStage<Map<DedupKey, long[]>> settleInFlight(
      long currentTerm, Map<DedupKey, long[]> previous) {
    Map<DedupKey, long[]> settled = new ConcurrentHashMap<>();
    List<CompletableFuture<?>> rereads = new ArrayList<>();
    for (Map.Entry<DedupKey, long[]> e : previous.entrySet()) {
      DedupKey key = e.getKey();
      settled.put(key, e.getValue());
      if (DedupEntry.isStored(e.getValue()) || DedupEntry.isUnknown(e.getValue())) {
        continue;
      }
      long[] unwritten = marker.unwritten(key);
      if (unwritten != null) {
        settled.put(key, unwritten);
      } else {
        rereads.add(
            table
                .lookup(key, marker.askedThrough())
                .thenAccept(
                    now -> {
                      long[] entry = now == null ? e.getValue() : now;
                      if (!DedupEntry.isStored(entry)
                          && !DedupEntry.isUnknown(entry)
                          && DedupEntry.term(entry) == currentTerm) {
                        settled.remove(key);
                      } else {
                        settled.put(key, entry);
                      }
                    }));
      }
    }
    if (rereads.isEmpty()) {
      return CompletableFuture.completedFuture(settled);
    }
    return CompletableFuture.allOf(rereads.toArray(CompletableFuture[]::new))
        .thenApply(done -> settled);
  }

  private static CompletableFuture<Verdicts> refuseAll(
      long term, List<ByteBuffer> events, String reason) {
    Verdict refuse = new Refuse(reason);
    return CompletableFuture.completedFuture(
        new Verdicts(term, events.stream().map(e -> refuse).toList()));
  }

  private List<Verdict> verdicts(
      long currentTerm,
      long batchId,
      List<DedupKey> keys,
      TableTriage.Sorted sorted,
      TableAnswer table) {
    List<Verdict> verdicts = new ArrayList<>(keys.size());
    Set<DedupKey> seen = new HashSet<>();
    List<DedupKey> notCarried = new ArrayList<>();
    Set<DedupKey> unasked = table.unanswered() == null ? Set.of() : new HashSet<>(sorted.ask());
    Verdict unanswered =
        table.unanswered() == null ? null : new Refuse(table.unanswered() + "; retry");
    int hits = 0;
    int heldBack = 0;
    int unansweredKeys = 0;
    boolean unknown = false;
    for (DedupKey key : keys) {
      long[] before = sorted.known().getOrDefault(key, table.entries().get(key));
      if (!seen.add(key)) {
        heldBack++;
        verdicts.add(new Refuse("the same id came twice in one batch; retry"));
      } else if (sorted.held().contains(key)) {
        heldBack++;
        verdicts.add(IN_FLIGHT);
      } else if (unasked.contains(key)) {
        unansweredKeys++;
        verdicts.add(unanswered);
        notCarried.add(key);
      } else if (before == null) {
        verdicts.add(ADMIT);
      } else if (DedupEntry.isUnknown(before)) {
        unansweredKeys++;
        unknown = true;
        verdicts.add(REFILLING);
        notCarried.add(key);
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
    metrics.outcomes(
        hits, keys.size() - hits - heldBack - unansweredKeys, heldBack, unansweredKeys);
    inFlight.release(batchId, notCarried);
    if (unknown) {
      refill.incompleteSeen(currentTerm);
    }
    return verdicts;
  }
}
