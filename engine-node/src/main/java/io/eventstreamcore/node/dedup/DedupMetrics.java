package io.eventstreamcore.node.dedup;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;

/** Dedup outcomes and the cost of asking the table. */
final class DedupMetrics {
  private final Counter hits;
  private final Counter misses;
  private final Counter inFlight;
  private final Counter unanswered;
  private final Counter recordsLost;
  private final Counter partitionsLost;
  private final Counter refilled;
  private final Timer lookup;
  private final DistributionSummary batchesPerClaim;
  private final Counter neverSeen;
  private final Counter maybeSeen;

  DedupMetrics(MeterRegistry meters) {
    hits = counter(meters, "hit", "events answered DUPLICATE: stored before within the window");
    misses = counter(meters, "miss", "events seen for the first time and replicated");
    inFlight =
        counter(meters, "in_flight", "events refused while an earlier send of the id may commit");
    unanswered =
        counter(
            meters,
            "unanswered",
            "events refused (retryable) because the table could not answer for them in time");
    recordsLost =
        Counter.builder("esc.dedup.records.lost")
            .description("Stored events the dedup table could not record")
            .register(meters);
    partitionsLost =
        Counter.builder("esc.dedup.partitions.lost")
            .description("Dedup table partitions Hazelcast lost (owner and backup gone at once)")
            .register(meters);
    refilled =
        Counter.builder("esc.dedup.refill.events")
            .description("Events recorded again from the log after a lost partition")
            .register(meters);
    lookup =
        Timer.builder("esc.dedup.lookup")
            .description(
                "A batch's claim in the dedup table: waiting for the claim already out, then one"
                    + " round trip")
            .publishPercentileHistogram()
            .register(meters);
    neverSeen = filterCounter(meters, "never", "keys admitted without asking the table");
    maybeSeen =
        filterCounter(
            meters,
            "maybe",
            "keys asked of the table: seen before, a false positive, or filters not yet filled");
    batchesPerClaim =
        DistributionSummary.builder("esc.dedup.claim.batches")
            .description("Batches whose claims went to the table together, per claim")
            .register(meters);
  }

  private static Counter counter(MeterRegistry meters, String outcome, String description) {
    return Counter.builder("esc.dedup.events")
        .tag("outcome", outcome)
        .description(description)
        .register(meters);
  }

  private static Counter filterCounter(MeterRegistry meters, String answer, String description) {
    return Counter.builder("esc.dedup.filter.keys")
        .tag("answer", answer)
        .description("Keys the leader looked up in its filters of applied keys: " + description)
        .register(meters);
  }

  void filtered(int never, int maybe) {
    neverSeen.increment(never);
    maybeSeen.increment(maybe);
  }

  /** One batch's outcomes, counted together: an increment per event showed in profiles. */
  void outcomes(int hit, int miss, int heldBack, int notAnswered) {
    hits.increment(hit);
    misses.increment(miss);
    inFlight.increment(heldBack);
    unanswered.increment(notAnswered);
  }

  void recordsLost(int n) {
    recordsLost.increment(n);
  }

  void partitionLost() {
    partitionsLost.increment();
  }

  void refilled(int n) {
    refilled.increment(n);
  }

  void lookup(long nanos) {
    lookup.record(nanos, TimeUnit.NANOSECONDS);
  }

  void claimed(int batches) {
    batchesPerClaim.record(batches);
  }
}
