package io.eventstreamcore.node.pipeline;

import io.eventstreamcore.node.config.NodeConfig;
import io.eventstreamcore.node.replication.Batcher;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.List;
import java.util.function.DoubleSupplier;

/** The load measures the control loop watches, with their thresholds from the configuration. */
public final class Signals {
  private Signals() {}

  public static List<PressureSignal> of(
      NodeConfig.Pipeline c,
      PriorityQueues<Batcher.Pending> queues,
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
                    queues.oldestWaitNanos(Batcher.Pending::arrivedNanos, System.nanoTime()) / 1e6),
            c.produceLatencyMsUp(),
            c.produceLatencyMsDown()),
        new PressureSignal(
            "replication lag", replicationLag, c.replicationLagUp(), c.replicationLagDown()),
        new PressureSignal("old-generation heap", Signals::oldGenFill, c.heapUp(), c.heapDown()));
  }

  /**
   * Old-generation use over the whole heap's maximum: what survives young collections is what fills
   * the heap for good (the dedup table, queued events).
   */
  static double oldGenFill() {
    long max = Runtime.getRuntime().maxMemory();
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP
          && (pool.getName().contains("Old") || pool.getName().contains("Tenured"))) {
        return (double) pool.getUsage().getUsed() / max;
      }
    }
    Runtime r = Runtime.getRuntime();
    return (double) (r.totalMemory() - r.freeMemory()) / max;
  }
}
