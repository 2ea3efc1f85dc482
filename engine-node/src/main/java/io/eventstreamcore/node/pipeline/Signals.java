package io.eventstreamcore.node.pipeline;

import io.eventstreamcore.node.config.NodeConfig;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.List;
import java.util.Optional;
import java.util.function.DoubleSupplier;
import java.util.function.ToLongFunction;

/** The load measures the control loop watches, with their thresholds from the configuration. */
public final class Signals {
  private Signals() {}

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
        new PressureSignal("queue fill", queues::fill, c.queueFillUp(), c.queueFillDown()),
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
        new PressureSignal("old-generation heap", Signals::oldGenFill, c.heapUp(), c.heapDown()));
  }

  /** The collector's old generation, found once; absent for collectors without one. */
  private static final Optional<MemoryPoolMXBean> OLD_GEN =
      ManagementFactory.getMemoryPoolMXBeans().stream()
          .filter(p -> p.getType() == MemoryType.HEAP)
          .filter(p -> p.getName().contains("Old") || p.getName().contains("Tenured"))
          .findFirst();

  /**
   * Old-generation use over the whole heap's maximum: what survives young collections is what fills
   * the heap for good (the dedup table, queued events). Whole-heap use where there is no old
   * generation.
   */
  static double oldGenFill() {
    Runtime r = Runtime.getRuntime();
    long used =
        OLD_GEN.map(pool -> pool.getUsage().getUsed()).orElse(r.totalMemory() - r.freeMemory());
    return (double) used / r.maxMemory();
  }
}
