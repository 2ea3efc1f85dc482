package io.eventstreamcore.node.dashboard;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Turns the registry's cumulative counters into per-second rates between two readings, so the
 * dashboard shows the same numbers Prometheus scrapes. Not thread-safe: one reader, once a second.
 */
final class CounterRates {
  private final MeterRegistry meters;
  private final Map<Meter.Id, Double> previous = new HashMap<>();
  private final Map<Meter.Id, Double> current = new HashMap<>();
  private double seconds;

  CounterRates(MeterRegistry meters) {
    this.meters = meters;
  }

  /** Starts a reading {@code seconds} after the previous one. */
  void next(double seconds) {
    this.seconds = seconds;
    previous.putAll(current);
    current.clear();
  }

  /** The rates of counter {@code name}, summed by {@code key} (a tag value, or one bucket). */
  Map<String, Double> by(String name, Function<Meter.Id, String> key) {
    Map<String, Double> rates = new TreeMap<>();
    for (Counter c : meters.find(name).counters()) {
      double count = c.count();
      current.put(c.getId(), count);
      // A counter first seen now was registered since the last reading: it counted from zero.
      double delta = count - previous.getOrDefault(c.getId(), 0.0);
      rates.merge(key.apply(c.getId()), Math.max(0, delta) / seconds, Double::sum);
    }
    return rates;
  }

  double total(String name) {
    return by(name, id -> "").values().stream().mapToDouble(Double::doubleValue).sum();
  }

  double tagged(String name, String tag, String value) {
    return by(name, id -> String.valueOf(id.getTag(tag))).getOrDefault(value, 0.0);
  }
}
