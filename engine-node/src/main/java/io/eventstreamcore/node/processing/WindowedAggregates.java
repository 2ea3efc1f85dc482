package io.eventstreamcore.node.processing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventstreamcore.protocol.Event;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.LongSupplier;

/**
 * Built-in processor: per topic, the events and bytes seen in total and in tumbling windows of
 * processing time, with events per second. Queryable at {@code GET /api/v1/aggregates} and exported
 * as {@code esc_aggregates_events_total} and {@code esc_aggregates_rate}.
 */
public final class WindowedAggregates implements EventProcessor {
  public static final String NAME = "aggregates";
  private static final ObjectMapper JSON = new ObjectMapper();

  public record WindowView(long start, long end, long events, long bytes, double eventsPerSecond) {}

  public record TopicAggregate(long events, long bytes, List<WindowView> windows) {}

  private final TopicPatterns topics;
  private final TumblingCounts windows;
  private final MeterRegistry meters;
  private final LongSupplier clock;
  private final Map<String, long[]> totals = new TreeMap<>();
  private final Set<String> metered = new HashSet<>();

  public WindowedAggregates(
      TopicPatterns topics,
      long windowMillis,
      int retain,
      MeterRegistry meters,
      LongSupplier clock) {
    this.topics = topics;
    this.windows = new TumblingCounts(windowMillis, retain);
    this.meters = meters;
    this.clock = clock;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public boolean subscribes(String topic) {
    return topics.matches(topic);
  }

  @Override
  public synchronized void process(String topic, long offset, Event event) {
    long bytes = event.payload().length;
    windows.add(topic, clock.getAsLong(), bytes);
    long[] t = totals.computeIfAbsent(topic, k -> new long[2]);
    t[0]++;
    t[1] += bytes;
    meter(topic);
  }

  private void meter(String topic) {
    if (!metered.add(topic)) {
      return;
    }
    FunctionCounter.builder("esc.aggregates.events", this, a -> a.total(topic))
        .tag("topic", topic)
        .description("Events the aggregates processor counted (on the leader)")
        .register(meters);
    Gauge.builder("esc.aggregates.rate", this, a -> a.lastClosedRate(topic))
        .tag("topic", topic)
        .description("Events per second in the last closed window (on the leader)")
        .register(meters);
  }

  private synchronized double total(String topic) {
    long[] t = totals.get(topic);
    return t == null ? 0 : t[0];
  }

  private synchronized double lastClosedRate(String topic) {
    long closed = windows.windowStart(clock.getAsLong()) - windows.sizeMillis();
    return windows.events(topic, closed) * 1000.0 / windows.sizeMillis();
  }

  /** Every counted topic's totals and retained windows, oldest window first. */
  public synchronized Map<String, TopicAggregate> snapshot() {
    Map<String, TopicAggregate> out = new TreeMap<>();
    long size = windows.sizeMillis();
    totals.forEach(
        (topic, t) ->
            out.put(
                topic,
                new TopicAggregate(
                    t[0],
                    t[1],
                    windows.windows(topic).stream()
                        .map(
                            w ->
                                new WindowView(
                                    w.start(),
                                    w.start() + size,
                                    w.events(),
                                    w.bytes(),
                                    w.events() * 1000.0 / size))
                        .toList())));
    return out;
  }

  @Override
  public synchronized JsonNode checkpointState() {
    ObjectNode state = JSON.createObjectNode();
    ObjectNode t = state.putObject("totals");
    totals.forEach((topic, v) -> t.putArray(topic).add(v[0]).add(v[1]));
    state.set("windows", windows.toJson());
    return state;
  }

  @Override
  public synchronized void restore(JsonNode state) {
    totals.clear();
    windows.restore(state == null ? null : state.get("windows"));
    if (state != null && state.has("totals")) {
      state
          .get("totals")
          .fields()
          .forEachRemaining(
              e -> {
                totals.put(
                    e.getKey(),
                    new long[] {e.getValue().get(0).asLong(), e.getValue().get(1).asLong()});
                meter(e.getKey());
              });
    }
  }
}
