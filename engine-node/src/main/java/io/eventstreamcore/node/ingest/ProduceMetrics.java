package io.eventstreamcore.node.ingest;

import io.eventstreamcore.node.metrics.TopicPriorityCounters;
import io.eventstreamcore.protocol.ErrorCode;
import io.eventstreamcore.protocol.Priority;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/** Produce-side meters; per-topic counters are cached so the hot path does no registry lookup. */
public final class ProduceMetrics {
  private final MeterRegistry meters;
  private final TopicPriorityCounters eventsIn;
  private final TopicPriorityCounters bytesIn;
  private final Map<ErrorCode, Counter> errors = new ConcurrentHashMap<>();
  private final Timer ackLatency;
  // Microseconds, for the dashboard's per-second percentiles; the Timer above is cumulative.
  private final Recorder ackMicros = new Recorder(3);
  private final Counter[] admitted;
  private final Counter[] shed;
  private final Counter[] deadLettered;
  private final Counter forwarded;

  public ProduceMetrics(MeterRegistry meters) {
    this.meters = meters;
    this.eventsIn = new TopicPriorityCounters(meters, "esc.events.in");
    this.bytesIn = new TopicPriorityCounters(meters, "esc.bytes.in");
    this.ackLatency =
        Timer.builder("esc.produce.ack.latency")
            .description("From a produce request's arrival to its acknowledgement")
            .publishPercentileHistogram()
            .register(meters);
    this.admitted =
        perPriority("esc.pipeline.admitted", "Events stored in their topic (acknowledged OK)");
    this.shed =
        perPriority(
            "esc.pipeline.shed",
            "Events refused OVERLOADED: their class is shed or its queue is full");
    this.deadLettered =
        perPriority(
            "esc.pipeline.dead.lettered",
            "Events put in the dead-letter queue because their class was shed");
    this.forwarded =
        Counter.builder("esc.produce.forwarded")
            .description("Events this node forwarded to the leader, which stores and counts them")
            .register(meters);
  }

  void forwarded(int events) {
    forwarded.increment(events);
  }

  private Counter[] perPriority(String name, String description) {
    Counter[] counters = new Counter[Priority.values().length];
    for (Priority p : Priority.values()) {
      counters[p.ordinal()] =
          Counter.builder(name).tag("priority", p.name()).description(description).register(meters);
    }
    return counters;
  }

  void shed(Priority p) {
    shed[p.ordinal()].increment();
  }

  void deadLettered(Priority p) {
    deadLettered[p.ordinal()].increment();
  }

  /** Per class so far: events stored in their topic, refused OVERLOADED, dead-lettered. */
  public record ClassCounts(long admitted, long refused, long deadLettered) {}

  public ClassCounts counts(Priority p) {
    int i = p.ordinal();
    return new ClassCounts(
        (long) admitted[i].count(), (long) shed[i].count(), (long) deadLettered[i].count());
  }

  /** {@link #counts} of every class. */
  public Map<Priority, ClassCounts> countsByClass() {
    Map<Priority, ClassCounts> counts = new EnumMap<>(Priority.class);
    for (Priority p : Priority.values()) {
      counts.put(p, counts(p));
    }
    return counts;
  }

  void stored(String topic, Priority priority, int bytes) {
    admitted[priority.ordinal()].increment();
    eventsIn.of(topic, priority).increment();
    bytesIn.of(topic, priority).increment(bytes);
  }

  void failed(ErrorCode code) {
    errors
        .computeIfAbsent(
            code, c -> Counter.builder("esc.produce.errors").tag("code", c.name()).register(meters))
        .increment();
  }

  void acknowledged(long startNanos) {
    long nanos = System.nanoTime() - startNanos;
    ackLatency.record(nanos, TimeUnit.NANOSECONDS);
    ackMicros.recordValue(nanos / 1_000);
  }

  /**
   * Produce-to-ack latencies (µs) recorded since the previous call. Each call takes the interval
   * away, so this node's traffic history is its only caller.
   */
  public Histogram ackLatencyInterval() {
    return ackMicros.getIntervalHistogram();
  }
}
