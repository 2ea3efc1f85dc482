package io.eventstreamcore.node.pipeline;

import io.eventstreamcore.node.config.NodeConfig;
import io.eventstreamcore.protocol.Priority;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;

/** The load measures the control loop watches, with their thresholds from the configuration. */
public final class Signals {
  private Signals() {}

  /**
   * How far back the heap signal looks for the least a collection of the old generation left: G1
   * takes a few seconds of mixed collections to reclaim it under load.
   */
  private static final long HEAP_WINDOW_NANOS = TimeUnit.SECONDS.toNanos(10);

  /**
   * @param arrivedNanos when a queued element arrived, by {@link System#nanoTime()}
   */
  public static <T> List<PressureSignal> of(
      NodeConfig.Pipeline c,
      PriorityQueues<T> queues,
      ToLongFunction<T> arrivedNanos,
      RecentMax recentLatency,
      DoubleSupplier replicationLag) {
    return List.of(
        new PressureSignal(
            "queue fill",
            () -> queueFill(queues::fill, c.queueFillUp()),
            c.queueFillUp(),
            c.queueFillDown()),
        new PressureSignal(
            "produce latency ms",
            // Completed batches show it late; the longest wait in the queues shows a stall now.
            () ->
                Math.max(
                    recentLatency.takeMillis(),
                    queues.oldestWaitNanos(arrivedNanos, System.nanoTime()) / 1e6),
            c.produceLatencyMsUp(),
            c.produceLatencyMsDown()),
        new PressureSignal(
            "replication lag", replicationLag, c.replicationLagUp(), c.replicationLagDown()),
        new PressureSignal(
            "old-generation heap",
            SettledOldGen.ofThisJvm(HEAP_WINDOW_NANOS),
            c.heapUp(),
            c.heapDown()));
  }

  /**
   * The fullest class queue over its capacity, where a class's queue never raises the node to a
   * state that refuses a class above it, nor to EMERGENCY unless it is CRITICAL's.
   *
   * <p>Why: EMERGENCY exists to keep CRITICAL flowing, and it refuses HIGH together with what HIGH
   * has queued ({@link QueuedShedding}). Counted in full, a HIGH queue that the producers' backlog
   * filled at once after a lost quorum put the node into EMERGENCY, which dropped the whole queue;
   * after the minimum dwell (2 s) the node took HIGH again, the backlog came back at once, and
   * writes were acknowledged only in the moments between, for minutes (docs/benchmarks.md). A full
   * BATCH queue likewise refused HIGH. A full queue of a lower class still sheds what the states
   * below that bound shed (a full BATCH queue sheds BATCH), and waits that grow too long still
   * raise the node through the produce-latency signal.
   */
  static double queueFill(ToDoubleFunction<Priority> fillOf, List<Double> up) {
    double fullest = 0;
    for (Priority p : Priority.values()) {
      double fill = fillOf.applyAsDouble(p);
      PipelineState highest = highestFor(p);
      if (highest != PipelineState.EMERGENCY) {
        fill = Math.min(fill, Math.nextDown(up.get(highest.ordinal())));
      }
      fullest = Math.max(fullest, fill);
    }
    return fullest;
  }

  /**
   * The highest state a full queue of class {@code p} may ask for: none that refuses a class above
   * {@code p}, and EMERGENCY only for CRITICAL.
   */
  private static PipelineState highestFor(Priority p) {
    if (p == Priority.CRITICAL) {
      return PipelineState.EMERGENCY;
    }
    Priority above = Priority.values()[p.ordinal() - 1];
    for (PipelineState s : PipelineState.values()) {
      if (!s.admits(above)) {
        return PipelineState.values()[s.ordinal() - 1];
      }
    }
    // Only CRITICAL is above HIGH, and no state refuses it: HIGH stops short of EMERGENCY.
    return PipelineState.CRITICAL;
  }
}
