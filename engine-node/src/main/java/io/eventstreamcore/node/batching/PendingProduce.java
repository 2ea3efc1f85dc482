package io.eventstreamcore.node.batching;

import io.eventstreamcore.protocol.ErrorCode;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The per-event outcome of one produce request. Its events may be spread over several batches; the
 * request completes when the last of them is answered.
 */
public final class PendingProduce {
  private final ErrorCode[] codes;
  private final long[] offsets;
  private final String[] messages;
  private final boolean[] deadLettered;
  private final AtomicInteger open;
  private final CompletableFuture<PendingProduce> done = new CompletableFuture<>();
  private volatile String leaderHint = "";
  private final long startNanos = System.nanoTime();

  public PendingProduce(int events) {
    codes = new ErrorCode[events];
    offsets = new long[events];
    messages = new String[events];
    deadLettered = new boolean[events];
    Arrays.fill(offsets, -1);
    open = new AtomicInteger(events);
    if (events == 0) {
      done.complete(this);
    }
  }

  /** The event at {@code index} goes to the dead-letter queue: its success is answered so. */
  public void deadLetter(int index) {
    deadLettered[index] = true;
  }

  public void succeed(int index, long offset) {
    offsets[index] = offset;
    finish(index, deadLettered[index] ? ErrorCode.DEAD_LETTERED : ErrorCode.OK, null);
  }

  /** The event was stored before, at {@code offset}: as good as success for the producer. */
  public void duplicate(int index, long offset) {
    offsets[index] = offset;
    finish(index, deadLettered[index] ? ErrorCode.DEAD_LETTERED : ErrorCode.DUPLICATE, null);
  }

  /** Refused under load; the offset slot carries the retry-after hint. */
  public void overloaded(int index, long retryAfterMillis, String message) {
    offsets[index] = retryAfterMillis;
    finish(index, ErrorCode.OVERLOADED, message);
  }

  public void fail(int index, ErrorCode code, String message) {
    finish(index, code, message);
  }

  public void failNotLeader(int index, String message, String leaderEndpoint) {
    leaderHint = leaderEndpoint;
    finish(index, ErrorCode.NOT_LEADER, message);
  }

  private void finish(int index, ErrorCode code, String message) {
    codes[index] = code;
    messages[index] = message;
    if (open.decrementAndGet() == 0) {
      done.complete(this);
    }
  }

  /** When the request arrived, by {@link System#nanoTime()}. */
  public long startNanos() {
    return startNanos;
  }

  public CompletableFuture<PendingProduce> done() {
    return done;
  }

  /** The offset event {@code index} was stored at (DUPLICATE counts), or why it was not. */
  public CompletableFuture<Long> storedAt(int index) {
    return done.thenCompose(
        p ->
            codes[index] == ErrorCode.OK || codes[index] == ErrorCode.DUPLICATE
                ? CompletableFuture.completedFuture(offsets[index])
                : CompletableFuture.failedFuture(
                    new IllegalStateException(codes[index] + ": " + messages[index])));
  }

  public int size() {
    return codes.length;
  }

  public ErrorCode code(int i) {
    return codes[i];
  }

  public long offset(int i) {
    return offsets[i];
  }

  public String message(int i) {
    return messages[i];
  }

  public ErrorCode[] codes() {
    return codes.clone();
  }

  public long[] offsets() {
    return offsets.clone();
  }

  public String leaderHint() {
    return leaderHint;
  }
}
