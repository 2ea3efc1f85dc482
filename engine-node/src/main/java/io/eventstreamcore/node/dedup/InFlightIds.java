package io.eventstreamcore.node.dedup;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The keys this leader admitted into batches that have not applied here yet: a second send of one
 * of them is refused (retryable) until its batch settles, without asking the table. An admission
 * lapses when its batch applies, when the term ends (a node leads a new term only once every
 * earlier entry has applied) or, as a table claim does, after {@code staleAfterMillis}.
 */
final class InFlightIds {
  private record Admitted(long batchId, long atMillis) {}

  private final long staleAfterMillis;
  private final Map<DedupKey, Admitted> keys = new HashMap<>();
  private long term = -1;
  private long sweptAt;

  InFlightIds(long staleAfterMillis) {
    this.staleAfterMillis = staleAfterMillis;
  }

  /**
   * Admits the keys for the batch, except those another batch of this term holds.
   *
   * @return the keys held by another batch
   */
  synchronized List<DedupKey> admit(
      long term, long batchId, Collection<DedupKey> batchKeys, long nowMillis) {
    if (term != this.term) {
      keys.clear();
      this.term = term;
    }
    if (nowMillis - sweptAt >= staleAfterMillis) {
      sweepStale(nowMillis);
    }
    List<DedupKey> held = new ArrayList<>();
    Admitted mine = new Admitted(batchId, nowMillis);
    for (DedupKey k : batchKeys) {
      Admitted other = keys.get(k);
      if (other != null && other.batchId() != batchId && !stale(other, nowMillis)) {
        held.add(k);
      } else {
        keys.put(k, mine);
      }
    }
    return held;
  }

  /** The batch will not carry these keys after all (answered otherwise, or never replicated). */
  synchronized void release(long batchId, Collection<DedupKey> batchKeys) {
    for (DedupKey k : batchKeys) {
      keys.computeIfPresent(k, (key, a) -> a.batchId() == batchId ? null : a);
    }
  }

  /** The keys' batch applied: from now on the log (and this node's filters) has them. */
  synchronized void applied(Collection<DedupKey> applied) {
    if (!keys.isEmpty()) {
      for (DedupKey k : applied) {
        keys.remove(k);
      }
    }
  }

  private boolean stale(Admitted a, long nowMillis) {
    return nowMillis - a.atMillis() >= staleAfterMillis;
  }

  /** Drops the admissions of batches that failed in Raft and so never applied. */
  private void sweepStale(long nowMillis) {
    sweptAt = nowMillis;
    for (Iterator<Admitted> it = keys.values().iterator(); it.hasNext(); ) {
      if (stale(it.next(), nowMillis)) {
        it.remove();
      }
    }
  }
}
