package io.eventstreamcore.node.ingest;

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
import java.util.function.Function;

/**
 * A follower's way into the log: it hands each produce request whole to the leader, which
 * validates, prioritises, deduplicates and stores it as if a producer had sent it there, and relays
 * the leader's per-event answers. Only the leader admits events, because only it knows every batch
 * in flight in its term (docs/decisions/0013-only-the-leader-admits.md).
 */
final class LeaderForward {
  private final Function<byte[], CompletableFuture<ByteBuffer>> toLeader;
  private final long answerWithinMillis;

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
    toLeader
        .apply(new ProduceRequest(events).encode())
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
    ErrorCode code = cause instanceof TimeoutException ? ErrorCode.TIMEOUT : ErrorCode.UNAVAILABLE;
    for (int i = 0; i < pending.size(); i++) {
      pending.fail(i, code, "forwarding to the leader failed: " + cause);
    }
  }
}
