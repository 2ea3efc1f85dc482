package io.eventstreamcore.node.ingest;

import io.eventstreamcore.protocol.ErrorCode;
import io.eventstreamcore.protocol.Priority;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/** Produce-side meters; per-topic counters are cached so the hot path does no registry lookup. */
public final class ProduceMetrics {
  private final MeterRegistry meters;
  private final Map<String, Counter[]> eventsIn = new ConcurrentHashMap<>();
  private final Map<String, Counter[]> bytesIn = new ConcurrentHashMap<>();
  private final Map<ErrorCode, Counter> errors = new ConcurrentHashMap<>();
  private final Timer ackLatency;

  public ProduceMetrics(MeterRegistry meters) {
    this.meters = meters;
    this.ackLatency =
        Timer.builder("esc.produce.ack.latency")
            .description("From a produce request's arrival to its acknowledgement")
            .publishPercentileHistogram()
            .register(meters);
  }

  void stored(String topic, Priority priority, int bytes) {
    perPriority(eventsIn, "esc.events.in", topic)[priority.code()].increment();
    perPriority(bytesIn, "esc.bytes.in", topic)[priority.code()].increment(bytes);
  }

  void failed(ErrorCode code) {
    errors
        .computeIfAbsent(
            code, c -> Counter.builder("esc.produce.errors").tag("code", c.name()).register(meters))
        .increment();
  }

  void acknowledged(long startNanos) {
    ackLatency.record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
  }

  private Counter[] perPriority(Map<String, Counter[]> cache, String name, String topic) {
    return cache.computeIfAbsent(
        topic,
        t -> {
          Counter[] c = new Counter[Priority.values().length];
          for (Priority p : Priority.values()) {
            c[p.code()] =
                Counter.builder(name).tag("topic", t).tag("priority", p.name()).register(meters);
          }
          return c;
        });
  }
}
