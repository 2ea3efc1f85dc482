package io.eventstreamcore.node.dedup;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * The keys this leader admitted into batches that have not applied here yet: a second send of one
 * of them is refused (retryable) until its batch settles, without asking the table. An admission
 * ends when its batch applies, when the batch is abandoned (refused, or failed so that it cannot
 * enter the log in this term) or when the term ends (a node leads a new term only once every
 * earlier entry has applied). It never ends by age: an entry in a leader's log may commit at any
 * time while that leader's term lasts, so a batch whose outcome is unknown (its producer was
 * answered TIMEOUT) holds its keys until then.
 */
final class InFlightIds {
  private static final Logger LOG = Logger.getLogger(InFlightIds.class);

  private record Admitted(long batchId, long atMillis) {}

  private final long lateAfterMillis;
  private final Map<DedupKey, Admitted> keys = new HashMap<>();
  private long term = -1;

  /**
   * @param lateAfterMillis a batch that applies later than this after its admission is logged: its
   *     producer has been answered TIMEOUT and its resends refused meanwhile
   */
  InFlightIds(long lateAfterMillis) {
    this.lateAfterMillis = lateAfterMillis;
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
    List<DedupKey> held = new ArrayList<>();
    Admitted mine = new Admitted(batchId, nowMillis);
    for (DedupKey k : batchKeys) {
      Admitted other = keys.get(k);
      if (other != null && other.batchId() != batchId) {
        held.add(k);
      } else {
        keys.put(k, mine);
      }
    }
    return held;
  }

  /** The batch will not carry these keys after all (answered otherwise, or abandoned). */
  synchronized void release(long batchId, Collection<DedupKey> batchKeys) {
    for (DedupKey k : batchKeys) {
      keys.computeIfPresent(k, (key, a) -> a.batchId() == batchId ? null : a);
    }
  }

  /** The keys' batch applied: from now on the log (and this node's filters) has them. */
  synchronized void applied(Collection<DedupKey> applied, long nowMillis) {
    if (keys.isEmpty()) {
      return;
    }
    Admitted oldest = null;
    for (DedupKey k : applied) {
      Admitted a = keys.remove(k);
      if (a != null && (oldest == null || a.atMillis() < oldest.atMillis())) {
        oldest = a;
      }
    }
    if (oldest != null && nowMillis - oldest.atMillis() > lateAfterMillis) {
      LOG.warnf(
          "batch %d applied %d ms after its admission; resends of its ids were refused until now",
          oldest.batchId(), nowMillis - oldest.atMillis());
    }
  }
}
