package io.eventstreamcore.node.processing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventstreamcore.node.ingest.DeadLetter;
import io.eventstreamcore.protocol.Event;
import io.eventstreamcore.protocol.Priority;
import io.eventstreamcore.protocol.Topics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.ToLongFunction;

/**
 * Built-in processor: evaluates {@link AlertRule}s once per window and writes each firing as an
 * event to {@link #TOPIC} (id {@code rule-windowStart}, so a firing repeated after a failover is a
 * duplicate within the dedup window) and counts it in {@code esc_alerts_fired_total}.
 */
public final class AlertRules implements EventProcessor {
  public static final String NAME = "alerts";
  public static final String TOPIC = "_alerts";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final List<AlertRule> rules;
  private final TumblingCounts counts;
  private final ToLongFunction<String> endOffset;
  private final Consumer<Event> alerts;
  private final MeterRegistry meters;
  private final LongSupplier clock;
  private final Map<String, Long> nextOffset = new HashMap<>();
  private final Map<String, Long> evaluatedWindow = new HashMap<>();

  /**
   * @param endOffset a topic's committed end offset, for lag rules
   * @param alerts writes an alert event to the log
   */
  public AlertRules(
      List<AlertRule> rules,
      long windowMillis,
      ToLongFunction<String> endOffset,
      Consumer<Event> alerts,
      MeterRegistry meters,
      LongSupplier clock) {
    this.rules = List.copyOf(rules);
    this.counts = new TumblingCounts(windowMillis, 3);
    this.endOffset = endOffset;
    this.alerts = alerts;
    this.meters = meters;
    this.clock = clock;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public boolean subscribes(String topic) {
    return rules.stream().anyMatch(r -> r.watchedTopic().equals(topic));
  }

  @Override
  public synchronized void process(String topic, long offset, Event event) {
    String counted = topic;
    if (topic.equals(Topics.DEAD_LETTER)) {
      counted = Topics.DEAD_LETTER + ":" + DeadLetter.of(event).original().topic();
      counts.add(Topics.DEAD_LETTER, clock.getAsLong(), 0);
    }
    counts.add(counted, clock.getAsLong(), 0);
    nextOffset.put(topic, offset + 1);
  }

  @Override
  public synchronized void tick(long nowMillis) {
    long closed = counts.windowStart(nowMillis) - counts.sizeMillis();
    for (AlertRule rule : rules) {
      Long evaluated = evaluatedWindow.put(rule.name(), closed);
      if (evaluated == null || evaluated >= closed) {
        // A window that closed before this processor first ran here was not seen whole.
        continue;
      }
      double value = value(rule, closed);
      boolean fires =
          switch (rule.kind()) {
            case RATE_BELOW -> value < rule.threshold();
            default -> value > rule.threshold();
          };
      if (fires) {
        fire(rule, closed, value);
      }
    }
  }

  private double value(AlertRule rule, long window) {
    return switch (rule.kind()) {
      case RATE_ABOVE, RATE_BELOW ->
          counts.events(rule.topic(), window) * 1000.0 / counts.sizeMillis();
      case LAG_ABOVE ->
          endOffset.applyAsLong(rule.topic()) - nextOffset.getOrDefault(rule.topic(), 0L);
      case DLQ_GROWTH_ABOVE ->
          counts.events(
              rule.topic().equals("*")
                  ? Topics.DEAD_LETTER
                  : Topics.DEAD_LETTER + ":" + rule.topic(),
              window);
    };
  }

  private void fire(AlertRule rule, long window, double value) {
    ObjectNode alert = JSON.createObjectNode();
    alert.put("rule", rule.name());
    alert.put("kind", rule.kind().name());
    alert.put("topic", rule.topic());
    alert.put("value", value);
    alert.put("threshold", rule.threshold());
    alert.put("windowStart", window);
    alert.put("windowEnd", window + counts.sizeMillis());
    byte[] payload;
    try {
      payload = JSON.writeValueAsBytes(alert);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    alerts.accept(Event.of(rule.name() + "-" + window, TOPIC, Priority.HIGH, payload));
    Counter.builder("esc.alerts.fired")
        .tag("rule", rule.name())
        .description("Alert rule firings (on the leader)")
        .register(meters)
        .increment();
  }

  @Override
  public synchronized JsonNode checkpointState() {
    ObjectNode state = JSON.createObjectNode();
    state.set("counts", counts.toJson());
    ObjectNode offsets = state.putObject("nextOffset");
    nextOffset.forEach(offsets::put);
    ObjectNode evaluated = state.putObject("evaluatedWindow");
    evaluatedWindow.forEach(evaluated::put);
    return state;
  }

  @Override
  public synchronized void restore(JsonNode state) {
    nextOffset.clear();
    evaluatedWindow.clear();
    counts.restore(state == null ? null : state.get("counts"));
    if (state != null) {
      state
          .path("nextOffset")
          .fields()
          .forEachRemaining(e -> nextOffset.put(e.getKey(), e.getValue().asLong()));
      state
          .path("evaluatedWindow")
          .fields()
          .forEachRemaining(e -> evaluatedWindow.put(e.getKey(), e.getValue().asLong()));
    }
  }
}
