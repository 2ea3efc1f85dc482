package io.eventstreamcore.node.dedup;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Sends batches' claims to the table one group at a time: the claims of batches formed while a
 * group is out go together in the next one. Hazelcast's cost is per operation, one per partition a
 * claim touches, so under load a claim carries several batches for the price of one; when the
 * leader is idle a batch's claim goes at once, as before.
 */
final class ClaimGroups {
  /** Claims keys in the table for a claim id (see {@link Claim}). */
  interface Table {
    CompletableFuture<Map<DedupKey, long[]>> claim(List<DedupKey> keys, long term, long claimId);
  }

  private record Request(
      long term,
      long batchId,
      List<DedupKey> distinct,
      CompletableFuture<Map<DedupKey, long[]>> blocking) {}

  private final Table table;
  private final long answerWithinMillis;
  private final DedupMetrics metrics;
  private List<Request> queued = new ArrayList<>();
  private boolean sending;

  /**
   * @param answerWithinMillis a claim not answered by then fails with a timeout; one still queued
   *     is then never sent
   */
  ClaimGroups(Table table, long answerWithinMillis, DedupMetrics metrics) {
    this.table = table;
    this.answerWithinMillis = answerWithinMillis;
    this.metrics = metrics;
  }

  /**
   * Claims a batch's distinct keys; completes with the entries that kept some of them from being
   * claimed (see {@link Claim}), keyed by key.
   */
  CompletableFuture<Map<DedupKey, long[]>> claim(long term, long batchId, List<DedupKey> distinct) {
    Request r = new Request(term, batchId, distinct, new CompletableFuture<>());
    r.blocking().orTimeout(answerWithinMillis, TimeUnit.MILLISECONDS);
    synchronized (this) {
      queued.add(r);
      if (!sending) {
        sendQueued();
      }
    }
    return r.blocking();
  }

  private synchronized void sendQueued() {
    // A claim that timed out while a group ahead of it was out has been answered: its batch will
    // not carry the keys.
    queued.removeIf(r -> r.blocking().isDone());
    if (queued.isEmpty()) {
      sending = false;
      return;
    }
    sending = true;
    List<Request> group = takeGroupOfOneTerm();
    // The group's first batch names the claim, so Hazelcast's retry of the same operation (after a
    // member left) finds its own claims and takes them again.
    long groupId = group.get(0).batchId();
    long term = group.get(0).term();
    metrics.claimed(group.size());
    Map<DedupKey, Request> claimant = new HashMap<>();
    for (Request r : group) {
      for (DedupKey k : r.distinct()) {
        claimant.putIfAbsent(k, r);
      }
    }
    CompletableFuture<Map<DedupKey, long[]>> call;
    try {
      call = table.claim(new ArrayList<>(claimant.keySet()), term, groupId);
    } catch (RuntimeException e) {
      call = CompletableFuture.failedFuture(e);
    }
    call.whenComplete(
        (blocking, error) -> {
          for (Request r : group) {
            if (error != null) {
              r.blocking().completeExceptionally(error);
            } else {
              r.blocking().complete(blockingFor(r, blocking, claimant, term));
            }
          }
          sendQueued();
        });
  }

  /** The queued requests up to the first of another term (a group's claims share one term). */
  private List<Request> takeGroupOfOneTerm() {
    long term = queued.get(0).term();
    int n = 0;
    while (n < queued.size() && queued.get(n).term() == term) {
      n++;
    }
    List<Request> group = new ArrayList<>(queued.subList(0, n));
    queued = new ArrayList<>(queued.subList(n, queued.size()));
    return group;
  }

  /**
   * What blocked this batch's keys: the table's answer, and for a key that an earlier batch of the
   * same group claimed, that claim (the earlier batch may still commit it).
   */
  private static Map<DedupKey, long[]> blockingFor(
      Request r, Map<DedupKey, long[]> blocking, Map<DedupKey, Request> claimant, long term) {
    Map<DedupKey, long[]> mine = new HashMap<>();
    for (DedupKey k : r.distinct()) {
      long[] entry = blocking.get(k);
      if (entry != null) {
        mine.put(k, entry);
      } else if (claimant.get(k) != r) {
        mine.put(k, DedupEntry.claimed(term, -1, System.currentTimeMillis()));
      }
    }
    return mine;
  }
}
