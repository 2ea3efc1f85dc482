package io.eventstreamcore.e2e;

import io.eventstreamcore.client.Producer;
import io.eventstreamcore.protocol.Event;
import io.eventstreamcore.protocol.Priority;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Sends the same ids again and again, as a producer that retries would, and tells which ones were
 * stored again: the dedup tests' measure of a retry stored twice.
 */
final class IdResends {
  private IdResends() {}

  /**
   * Sends ids {@code id-0 … id-(count-1)} (retrying as the default producer does) and returns the
   * offset each was stored at, or answered DUPLICATE with.
   */
  static Map<String, Long> sendAll(List<String> endpoints, String topic, int count) {
    Map<String, CompletableFuture<Long>> sends = new LinkedHashMap<>();
    try (Producer p = new Producer(Producer.Settings.defaults(endpoints))) {
      for (int i = 0; i < count; i++) {
        String id = "id-" + i;
        sends.put(id, p.send(Event.of(id, topic, Priority.HIGH, new byte[16])));
      }
      Map<String, Long> offsets = new HashMap<>();
      sends.forEach((id, f) -> offsets.put(id, f.join()));
      return offsets;
    }
  }

  /** Ids answered with another offset than the first time: stored again. */
  static List<String> moved(Map<String, Long> original, Map<String, Long> again) {
    return original.keySet().stream()
        .filter(id -> !original.get(id).equals(again.get(id)))
        .sorted()
        .toList();
  }
}
