package io.eventstreamcore.node.metrics;

import io.eventstreamcore.protocol.Priority;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One counter per topic and priority, registered on first use and cached, so the hot path pays a
 * map lookup instead of a registry lookup with tags.
 */
public final class TopicPriorityCounters {
  private final MeterRegistry meters;
  private final String name;
  private final Map<String, Counter[]> byTopic = new ConcurrentHashMap<>();

  public TopicPriorityCounters(MeterRegistry meters, String name) {
    this.meters = meters;
    this.name = name;
  }

  public Counter of(String topic, Priority priority) {
    return byTopic.computeIfAbsent(topic, this::register)[priority.code()];
  }

  private Counter[] register(String topic) {
    Counter[] c = new Counter[Priority.values().length];
    for (Priority p : Priority.values()) {
      c[p.code()] =
          Counter.builder(name).tag("topic", topic).tag("priority", p.name()).register(meters);
    }
    return c;
  }
}
