package io.eventstreamcore.node.replication;

import io.eventstreamcore.node.threads.DaemonThreads;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Tells when this node has applied a given log index. A follower that passed a write on to the
 * leader waits here before it answers, so that a read it serves next shows that write: the leader
 * answers once it has applied the write, and the follower learns of that commit only from the
 * leader's next message, a round trip or more later (ADR 0034).
 *
 * <p>Waiters complete on a thread of their own, never on Ratis's apply thread, which must not run a
 * caller's continuation.
 */
final class AppliedIndexWatch implements AutoCloseable {
  private final AtomicLong applied = new AtomicLong(-1);
  private final ConcurrentSkipListMap<Long, CompletableFuture<Void>> waiting =
      new ConcurrentSkipListMap<>();
  private final ExecutorService completer =
      Executors.newSingleThreadExecutor(DaemonThreads.named("esc-applied-watch"));

  /** Completes once {@code index} is applied, at once if it already is. */
  CompletableFuture<Void> reached(long index) {
    if (index <= applied.get()) {
      return CompletableFuture.completedFuture(null);
    }
    CompletableFuture<Void> reached =
        waiting.computeIfAbsent(index, i -> new CompletableFuture<>());
    // The apply thread may have moved past the index between the check and the insertion above.
    release(applied.get());
    return reached.copy();
  }

  /** Called as the applied index moves: releases everyone waiting for it or below. */
  void advance(long index) {
    applied.accumulateAndGet(index, Math::max);
    if (!waiting.isEmpty()) {
      release(index);
    }
  }

  private void release(long index) {
    ConcurrentNavigableMap<Long, CompletableFuture<Void>> done = waiting.headMap(index, true);
    for (Map.Entry<Long, CompletableFuture<Void>> e = done.pollFirstEntry();
        e != null;
        e = done.pollFirstEntry()) {
      CompletableFuture<Void> reached = e.getValue();
      try {
        completer.execute(() -> reached.complete(null));
      } catch (RejectedExecutionException closed) {
        reached.complete(null);
      }
    }
  }

  @Override
  public void close() {
    completer.shutdownNow();
  }
}
