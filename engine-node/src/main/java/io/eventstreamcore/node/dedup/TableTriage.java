package io.eventstreamcore.node.dedup;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Sorts a batch's keys into those the leader answers by itself and those it must ask the table
 * about. A key another batch of this term carries is refused; a key this node's filters never saw
 * is new; a key applied here whose record is still unwritten is a duplicate. Only the rest, keys
 * the filters may have seen, cost a round trip: retries, and a few new keys by chance.
 */
final class TableTriage {
  /**
   * @param held keys another batch carries
   * @param known entries of keys applied here, not yet in the table
   * @param ask keys the table must answer
   */
  record Sorted(Set<DedupKey> held, Map<DedupKey, long[]> known, List<DedupKey> ask) {}

  private final InFlightIds inFlight;
  private final RecentIds recent;
  private final Function<DedupKey, long[]> unwritten;
  private final DedupMetrics metrics;

  /**
   * @param unwritten the STORED entry of a key applied here whose record is not yet written, or
   *     null
   */
  TableTriage(
      InFlightIds inFlight,
      RecentIds recent,
      Function<DedupKey, long[]> unwritten,
      DedupMetrics metrics) {
    this.inFlight = inFlight;
    this.recent = recent;
    this.unwritten = unwritten;
    this.metrics = metrics;
  }

  /**
   * Admits every key not held by another batch for this one, so that a later batch finds it held;
   * the caller releases those the batch will not carry after all ({@link InFlightIds#release}).
   *
   * @param distinct the batch's keys, each once
   */
  Sorted sort(long term, long batchId, List<DedupKey> distinct, long nowMillis) {
    // In this order: a batch that applies adds its keys to the filters and to the unwritten records
    // before it leaves the in-flight keys, so a key is always found in one of the three.
    Set<DedupKey> held = new HashSet<>(inFlight.admit(term, batchId, distinct, nowMillis));
    List<DedupKey> free = new ArrayList<>(distinct.size());
    for (DedupKey k : distinct) {
      if (!held.contains(k)) {
        free.add(k);
      }
    }
    boolean[] maybe = recent.trusted(nowMillis) ? recent.mightHave(free) : null;
    Map<DedupKey, long[]> known = new HashMap<>();
    List<DedupKey> ask = new ArrayList<>();
    int never = 0;
    for (int i = 0; i < free.size(); i++) {
      DedupKey k = free.get(i);
      if (maybe != null && !maybe[i]) {
        never++;
        continue;
      }
      long[] entry = unwritten.apply(k);
      if (entry != null) {
        known.put(k, entry);
      } else {
        ask.add(k);
      }
    }
    metrics.filtered(never, free.size() - never);
    return new Sorted(held, known, ask);
  }
}
