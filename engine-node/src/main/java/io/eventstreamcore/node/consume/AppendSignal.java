package io.eventstreamcore.node.consume;

import io.eventstreamcore.node.threads.DaemonThreads;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;

/**
 * Wakes readers waiting for new events of a topic. The store calls {@link #appended} after each
 * apply, on Raft's apply thread while it holds the store's writer lock; what the woken readers do
 * (read the store, encode and send records) runs on a wake-up thread of its own, so a slow or
 * numerous set of consumers never delays the next apply, and with it every producer's ack. One
 * thread keeps the wake-ups in apply order and each listener called by one thread at a time, as
 * before.
 */
public final class AppendSignal {
  private final Map<String, CompletableFuture<Void>> byTopic = new ConcurrentHashMap<>();
  private final List<Runnable> anyTopic = new CopyOnWriteArrayList<>();
  private final Executor wakeUps;

  public AppendSignal() {
    this(Executors.newSingleThreadExecutor(DaemonThreads.named("esc-reader-wake-ups")));
  }

  AppendSignal(Executor wakeUps) {
    this.wakeUps = wakeUps;
  }

  /** Completes on the next append to {@code topic}, on the wake-up thread. */
  public CompletableFuture<Void> next(String topic) {
    return byTopic.computeIfAbsent(topic, t -> new CompletableFuture<>());
  }

  /**
   * Called, on the wake-up thread, after every append to any topic, e.g. for prefix subscriptions.
   */
  public void onAnyAppend(Runnable listener) {
    anyTopic.add(listener);
  }

  public void removeAnyAppend(Runnable listener) {
    anyTopic.remove(listener);
  }

  /** Only hands the wake-ups over: the caller is the apply thread. */
  public void appended(String topic) {
    CompletableFuture<Void> f = byTopic.remove(topic);
    if (f == null && anyTopic.isEmpty()) {
      return;
    }
    wakeUps.execute(
        () -> {
          if (f != null) {
            f.complete(null);
          }
          for (Runnable r : anyTopic) {
            r.run();
          }
        });
  }
}
