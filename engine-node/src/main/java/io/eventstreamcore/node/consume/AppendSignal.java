package io.eventstreamcore.node.consume;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Wakes readers waiting for new events of a topic. The store calls {@link #appended} after each
 * apply; long-polling fetches and subscriptions wait on {@link #next}.
 */
public final class AppendSignal {
  private final Map<String, CompletableFuture<Void>> byTopic = new ConcurrentHashMap<>();
  private final List<Runnable> anyTopic = new CopyOnWriteArrayList<>();

  /** Completes on the next append to {@code topic}. */
  public CompletableFuture<Void> next(String topic) {
    return byTopic.computeIfAbsent(topic, t -> new CompletableFuture<>());
  }

  /** Called on every append to any topic, e.g. for prefix subscriptions. */
  public void onAnyAppend(Runnable listener) {
    anyTopic.add(listener);
  }

  public void removeAnyAppend(Runnable listener) {
    anyTopic.remove(listener);
  }

  public void appended(String topic) {
    CompletableFuture<Void> f = byTopic.remove(topic);
    if (f != null) {
      f.complete(null);
    }
    for (Runnable r : anyTopic) {
      r.run();
    }
  }
}
