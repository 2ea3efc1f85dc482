package io.eventstreamcore.node.pipeline;

import java.util.concurrent.atomic.AtomicLong;

/** The largest value recorded since it was last taken: the control loop's view of latency. */
public final class RecentMax {
  private final AtomicLong max = new AtomicLong();

  public void record(long nanos) {
    max.accumulateAndGet(nanos, Math::max);
  }

  /** Milliseconds; 0 when nothing was recorded since the last call. */
  double takeMillis() {
    return max.getAndSet(0) / 1e6;
  }
}
