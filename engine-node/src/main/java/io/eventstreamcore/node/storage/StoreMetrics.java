package io.eventstreamcore.node.storage;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/** Gauges read from the event store on scrape. */
public final class StoreMetrics {
  private StoreMetrics() {}

  public static void register(MeterRegistry meters, EventStore store) {
    Gauge.builder("esc.store.size", store, EventStore::sizeBytes)
        .baseUnit("bytes")
        .description("Bytes of segment files over all topics")
        .register(meters);
    Gauge.builder("esc.store.topics", store, s -> s.topics().size()).register(meters);
  }
}
