package io.eventstreamcore.node.dashboard;

import io.eventstreamcore.node.ingest.ProduceMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * This node's traffic over the last five minutes, one sample a second, kept whether or not a page
 * is open so that a page opened now draws the last minutes at once.
 */
public final class TrafficHistory {
  static final int SAMPLES = 300;

  private final CounterRates rates;
  private final ProduceMetrics produce;
  private final ArrayDeque<TrafficSample> samples = new ArrayDeque<>(SAMPLES);
  private long previousAt;

  TrafficHistory(MeterRegistry meters, ProduceMetrics produce) {
    this.rates = new CounterRates(meters);
    this.produce = produce;
  }

  synchronized void sample(long now) {
    Histogram acks = produce.ackLatencyInterval();
    // The first reading is only the baseline the next one's rates start from.
    boolean baseline = previousAt == 0;
    rates.next(baseline ? 1 : Math.max(1, now - previousAt) / 1000.0);
    previousAt = now;
    Map<String, Double> inByTopic = rates.by("esc.events.in", id -> id.getTag("topic"));
    Map<String, Double> inByPriority = rates.by("esc.events.in", id -> id.getTag("priority"));
    Map<String, Double> outByTopic = rates.by("esc.events.out", id -> id.getTag("topic"));
    Map<String, Double> dedup = rates.by("esc.dedup.events", id -> id.getTag("outcome"));
    long count = acks.getTotalCount();
    TrafficSample s =
        new TrafficSample(
            now,
            sum(inByTopic),
            sum(outByTopic),
            inByTopic,
            outByTopic,
            inByPriority,
            rates.total("esc.pipeline.shed"),
            rates.total("esc.pipeline.dead.lettered"),
            dedup.getOrDefault("hit", 0.0),
            dedup.getOrDefault("miss", 0.0),
            count,
            count == 0 ? null : acks.getValueAtPercentile(50) / 1000.0,
            count == 0 ? null : acks.getValueAtPercentile(99) / 1000.0,
            count == 0 ? null : acks.getValueAtPercentile(99.9) / 1000.0);
    if (baseline) {
      return;
    }
    if (samples.size() == SAMPLES) {
      samples.removeFirst();
    }
    samples.addLast(s);
  }

  private static double sum(Map<String, Double> rates) {
    return rates.values().stream().mapToDouble(Double::doubleValue).sum();
  }

  public synchronized TrafficSample latest() {
    return samples.peekLast();
  }

  public synchronized List<TrafficSample> all() {
    return List.copyOf(samples);
  }
}
