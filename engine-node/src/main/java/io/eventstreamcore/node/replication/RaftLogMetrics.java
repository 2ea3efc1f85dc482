package io.eventstreamcore.node.replication;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToDoubleFunction;
import org.apache.ratis.metrics.MetricRegistries;
import org.apache.ratis.metrics.RatisMetricRegistry;
import org.apache.ratis.metrics.impl.RatisMetricRegistryImpl;
import org.apache.ratis.thirdparty.com.codahale.metrics.Snapshot;
import org.apache.ratis.thirdparty.com.codahale.metrics.Timer;

/**
 * Exports the Raft log's fsync time, which Ratis measures in its own (Dropwizard) registry, as
 * Micrometer meters: the number of syncs and the recent p50, p99 and max in seconds.
 */
public final class RaftLogMetrics {
  private static final String SYNC_TIMER = "syncTime";

  private RaftLogMetrics() {}

  public static void register(MeterRegistry meters) {
    FunctionCounter.builder(
            "esc.raft.log.syncs", meters, m -> syncTimer().map(Timer::getCount).orElse(0L))
        .description("fsync calls of the Raft log")
        .register(meters);
    quantile(meters, "0.5", s -> s.getMedian());
    quantile(meters, "0.99", Snapshot::get99thPercentile);
    quantile(meters, "max", s -> s.getMax());
  }

  private static void quantile(MeterRegistry meters, String q, ToDoubleFunction<Snapshot> f) {
    Gauge.builder(
            "esc.raft.log.sync.time",
            () -> syncTimer().map(t -> f.applyAsDouble(t.getSnapshot()) / 1e9).orElse(0.0))
        .description("fsync time of the Raft log over Ratis's recent window")
        .baseUnit("seconds")
        .tag("quantile", q)
        .register(meters);
  }

  private static Optional<Timer> syncTimer() {
    for (RatisMetricRegistry r : MetricRegistries.global().getMetricRegistries()) {
      if (r instanceof RatisMetricRegistryImpl impl) {
        for (Map.Entry<String, Timer> e :
            impl.getDropWizardMetricRegistry().getTimers().entrySet()) {
          if (e.getKey().endsWith(SYNC_TIMER)) {
            return Optional.of(e.getValue());
          }
        }
      }
    }
    return Optional.empty();
  }
}
