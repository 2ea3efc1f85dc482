package io.eventstreamcore.node.consume;

import io.eventstreamcore.node.storage.EventStore;
import io.eventstreamcore.node.storage.ReadChunk;
import io.eventstreamcore.protocol.FetchRequest;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Reads committed events of a topic, waiting up to the request's wait time when none are new. */
public final class FetchService {
  /** What a fetch returns: the records and the topic bounds at the time of reading. */
  public record Fetched(long startOffset, long endOffset, ReadChunk chunk) {}

  private final EventStore store;
  private final AppendSignal signal;
  private final ConsumeMetrics metrics;

  public FetchService(EventStore store, AppendSignal signal, ConsumeMetrics metrics) {
    this.store = store;
    this.signal = signal;
    this.metrics = metrics;
  }

  public CompletableFuture<Fetched> fetch(FetchRequest req) {
    // Register before reading, so an append between the read and the wait is not missed.
    CompletableFuture<Void> appended = signal.next(req.topic());
    Fetched now = readNow(req);
    if (now.chunk().count() > 0 || req.waitMs() <= 0) {
      return CompletableFuture.completedFuture(now);
    }
    // copy(): a timeout must end only this wait, not the shared per-topic signal.
    return appended
        .copy()
        .completeOnTimeout(null, req.waitMs(), TimeUnit.MILLISECONDS)
        .thenApply(ignored -> readNow(req));
  }

  public Fetched readNow(FetchRequest req) {
    ReadChunk chunk = store.read(req.topic(), req.fromOffset(), req.maxEvents(), req.maxBytes());
    metrics.sent(req.topic(), chunk);
    return new Fetched(store.startOffset(req.topic()), store.endOffset(req.topic()), chunk);
  }

  public EventStore store() {
    return store;
  }

  public AppendSignal signal() {
    return signal;
  }

  public ConsumeMetrics metrics() {
    return metrics;
  }
}
