package io.eventstreamcore.node.batching;

import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * Counts batches between the batcher and a settled commit, against a limit that may change at any
 * time (lower under load: batches in flight are a FIFO where priorities no longer apply). A lower
 * limit takes effect as batches settle; none is cut short.
 */
final class InFlightLimit {
  private final IntSupplier limit;
  private int inFlight;

  InFlightLimit(IntSupplier limit) {
    this.limit = limit;
  }

  /**
   * @return true when a slot was taken within the timeout
   */
  synchronized boolean tryAcquire(long timeout, TimeUnit unit) throws InterruptedException {
    long deadline = System.nanoTime() + unit.toNanos(timeout);
    while (inFlight >= limit.getAsInt()) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
    inFlight++;
    return true;
  }

  synchronized void release() {
    inFlight--;
    notifyAll();
  }

  synchronized int inFlight() {
    return inFlight;
  }
}
