package io.eventstreamcore.node.ingest;

import io.eventstreamcore.node.batching.PendingProduce;
import io.eventstreamcore.protocol.ErrorCode;
import io.eventstreamcore.protocol.ProduceAck;
import io.eventstreamcore.protocol.ProduceRequest;
import io.eventstreamcore.protocol.WireReader;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A follower's way into the log: it hands each produce request whole to the leader, which
 * validates, prioritises, deduplicates and stores it as if a producer had sent it there, and relays
 * the leader's per-event answers. Only the leader admits events, because only it knows every batch
 * in flight in its term (docs/decisions/0013-only-the-leader-admits.md).
 */
final class LeaderForward {
  /**
   * Requests on their way to the leader at most: beyond this a request is refused (retryably), so
   * that a leader that does not answer holds a bounded number of them. The caller is a Vert.x event
   * loop, which must never wait.
   */
  static final int MAX_OUTSTANDING = 64;

  private final Function<byte[], CompletableFuture<ByteBuffer>> toLeader;
  private final long answerWithinMillis;
  private final AtomicInteger outstanding = new AtomicInteger();

  /**
   * @param toLeader sends a PRODUCE body to the leader and completes with its PRODUCE_ACK body
   */
  LeaderForward(Function<byte[], CompletableFuture<ByteBuffer>> toLeader, long answerWithinMillis) {
    this.toLeader = toLeader;
    this.answerWithinMillis = answerWithinMillis;
  }

  PendingProduce forward(List<ByteBuffer> events) {
    PendingProduce pending = new PendingProduce(events.size());
    if (events.isEmpty()) {
      return pending;
    }
    if (outstanding.incrementAndGet() > MAX_OUTSTANDING) {
      outstanding.decrementAndGet();
      failAll(pending, ErrorCode.UNAVAILABLE, "too many writes waiting for the leader; retry");
      return pending;
    }
    CompletableFuture<ByteBuffer> sent = toLeader.apply(new ProduceRequest(events).encode());
    // Counted until Ratis is done with the request, which may be after this node stopped waiting.
    sent.whenComplete((reply, error) -> outstanding.decrementAndGet());
    sent.copy()
        .orTimeout(answerWithinMillis, TimeUnit.MILLISECONDS)
        .whenComplete(
            (reply, error) -> {
              if (error != null) {
                failAll(pending, error);
              } else {
                relay(pending, ProduceAck.read(new WireReader(reply)));
              }
            });
    return pending;
  }

  private static void relay(PendingProduce pending, ProduceAck ack) {
    if (ack.codes().length != pending.size()) {
      failAll(
          pending,
          new IllegalStateException(
              "the leader answered " + ack.codes().length + " of " + pending.size() + " events"));
      return;
    }
    for (int i = 0; i < pending.size(); i++) {
      long offset = ack.offsets()[i];
      switch (ack.codes()[i]) {
        case OK -> pending.succeed(i, offset);
        case DUPLICATE -> pending.duplicate(i, offset);
        case DEAD_LETTERED -> {
          pending.deadLetter(i);
          pending.succeed(i, offset);
        }
        case OVERLOADED ->
            pending.overloaded(i, offset, "the leader is overloaded; retry in " + offset + " ms");
        default -> pending.fail(i, ack.codes()[i], "the leader answered " + ack.codes()[i]);
      }
    }
  }

  private static void failAll(PendingProduce pending, Throwable error) {
    Throwable cause =
        error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    failAll(
        pending,
        cause instanceof TimeoutException ? ErrorCode.TIMEOUT : ErrorCode.UNAVAILABLE,
        "forwarding to the leader failed: " + cause);
  }

  private static void failAll(PendingProduce pending, ErrorCode code, String message) {
    for (int i = 0; i < pending.size(); i++) {
      pending.fail(i, code, message);
    }
  }
}
