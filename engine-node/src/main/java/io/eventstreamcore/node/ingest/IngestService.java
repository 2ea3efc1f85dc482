package io.eventstreamcore.node.ingest;

import io.eventstreamcore.node.pipeline.PipelineState;
import io.eventstreamcore.node.replication.Batcher;
import io.eventstreamcore.protocol.ErrorCode;
import io.eventstreamcore.protocol.EventCodec;
import io.eventstreamcore.protocol.Priority;
import io.eventstreamcore.protocol.ProtocolException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.function.Supplier;

/**
 * The one way into the log, for TCP and HTTP alike: validate each event, hand the valid ones to the
 * batcher, answer every event (stored, or why not).
 */
public final class IngestService {
  private final Batcher batcher;
  private final int maxPayloadBytes;
  private final ProduceMetrics metrics;
  private final Supplier<PipelineState> pipeline;
  private final long retryAfterMillis;

  /**
   * @param pipeline the node's current load state, which decides which classes are admitted
   */
  public IngestService(
      Batcher batcher,
      int maxPayloadBytes,
      ProduceMetrics metrics,
      Supplier<PipelineState> pipeline,
      long retryAfterMillis) {
    this.batcher = batcher;
    this.maxPayloadBytes = maxPayloadBytes;
    this.metrics = metrics;
    this.pipeline = pipeline;
    this.retryAfterMillis = retryAfterMillis;
  }

  public int maxPayloadBytes() {
    return maxPayloadBytes;
  }

  /**
   * @param events encoded events as cut from a request; each is answered in the result
   */
  public PendingProduce produce(List<ByteBuffer> events) {
    PendingProduce pending = new PendingProduce(events.size());
    long arrived = System.nanoTime();
    String[] topics = new String[events.size()];
    for (int i = 0; i < events.size(); i++) {
      ByteBuffer event = events.get(i);
      try {
        topics[i] = EventCodec.validate(event, maxPayloadBytes);
      } catch (ProtocolException e) {
        pending.fail(i, e.code(), e.getMessage());
        continue;
      }
      Priority priority = EventCodec.priorityOf(event);
      PipelineState state = pipeline.get();
      if (!state.admits(priority)) {
        metrics.shed(priority);
        pending.overloaded(
            i,
            retryAfterMillis,
            "node is "
                + state
                + ": "
                + priority
                + " events are refused; retry in "
                + retryAfterMillis
                + " ms");
      } else if (!batcher.offer(priority, new Batcher.Pending(event, pending, i, arrived))) {
        metrics.shed(priority);
        pending.overloaded(
            i,
            retryAfterMillis,
            "the " + priority + " queue is full; retry in " + retryAfterMillis + " ms");
      }
    }
    pending
        .done()
        .thenAccept(
            p -> {
              metrics.acknowledged(p.startNanos);
              for (int i = 0; i < p.size(); i++) {
                if (p.code(i) == ErrorCode.OK) {
                  ByteBuffer e = events.get(i);
                  metrics.stored(topics[i], EventCodec.priorityOf(e), e.remaining());
                } else if (p.code(i) != ErrorCode.DUPLICATE) {
                  metrics.failed(p.code(i));
                }
              }
            });
    return pending;
  }
}
