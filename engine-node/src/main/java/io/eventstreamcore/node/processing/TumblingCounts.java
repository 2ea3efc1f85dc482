package io.eventstreamcore.node.processing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Event counts and bytes per topic in tumbling windows of processing time, the newest few kept. Not
 * thread-safe: its processor guards it.
 */
final class TumblingCounts {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One window: [start, start + size) in epoch milliseconds. */
  record Window(long start, long events, long bytes) {}

  private final long sizeMillis;
  private final int retain;
  private final Map<String, Deque<Window>> byTopic = new TreeMap<>();

  TumblingCounts(long sizeMillis, int retain) {
    this.sizeMillis = sizeMillis;
    this.retain = retain;
  }

  long sizeMillis() {
    return sizeMillis;
  }

  long windowStart(long millis) {
    return Math.floorDiv(millis, sizeMillis) * sizeMillis;
  }

  void add(String topic, long nowMillis, long bytes) {
    Deque<Window> windows = byTopic.computeIfAbsent(topic, t -> new ArrayDeque<>());
    long start = windowStart(nowMillis);
    Window last = windows.peekLast();
    if (last != null && last.start() == start) {
      windows.pollLast();
      windows.addLast(new Window(start, last.events() + 1, last.bytes() + bytes));
    } else {
      windows.addLast(new Window(start, 1, bytes));
      while (windows.size() > retain) {
        windows.pollFirst();
      }
    }
  }

  /** The topic's events in the window that starts at {@code start} (0 when none came). */
  long events(String topic, long start) {
    for (Window w : byTopic.getOrDefault(topic, new ArrayDeque<>())) {
      if (w.start() == start) {
        return w.events();
      }
    }
    return 0;
  }

  List<Window> windows(String topic) {
    return new ArrayList<>(byTopic.getOrDefault(topic, new ArrayDeque<>()));
  }

  List<String> topics() {
    return new ArrayList<>(byTopic.keySet());
  }

  JsonNode toJson() {
    ObjectNode out = JSON.createObjectNode();
    byTopic.forEach(
        (topic, windows) -> {
          ArrayNode list = out.putArray(topic);
          for (Window w : windows) {
            list.addArray().add(w.start()).add(w.events()).add(w.bytes());
          }
        });
    return out;
  }

  void restore(JsonNode state) {
    byTopic.clear();
    if (state == null || !state.isObject()) {
      return;
    }
    state
        .fields()
        .forEachRemaining(
            e -> {
              Deque<Window> windows = new ArrayDeque<>();
              for (JsonNode w : e.getValue()) {
                windows.addLast(
                    new Window(w.get(0).asLong(), w.get(1).asLong(), w.get(2).asLong()));
              }
              byTopic.put(e.getKey(), windows);
            });
  }
}
