package io.eventstreamcore.node.dashboard;

import io.eventstreamcore.node.Engine;
import io.eventstreamcore.node.health.RaftReadiness;
import io.eventstreamcore.node.threads.DaemonThreads;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.health.Readiness;
import org.jboss.logging.Logger;

/**
 * This node's side of the dashboard: samples traffic each second and watches the leader five times
 * a second from start, so that history exists before anyone opens the page.
 */
@ApplicationScoped
public class Dashboard {
  private static final Logger LOG = Logger.getLogger(Dashboard.class);

  @Inject Engine engine;
  @Inject @Readiness RaftReadiness readiness;
  @Inject MeterRegistry meters;

  @ConfigProperty(name = "quarkus.application.version", defaultValue = "dev")
  String version;

  private final ScheduledExecutorService ticks =
      Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("esc-dashboard"));
  private volatile TrafficHistory traffic;
  private volatile LeaderTimeline timeline;
  private volatile NodeStatusReader reader;

  // After the engine's own start observer (default priority 2500): it builds what this reads.
  void start(@Observes @Priority(3000) StartupEvent ev) {
    traffic = new TrafficHistory(meters, engine.produceMetrics());
    timeline = new LeaderTimeline(engine.raft());
    reader = new NodeStatusReader(engine, readiness, meters, version);
    ticks.scheduleAtFixedRate(
        guarded(() -> traffic.sample(System.currentTimeMillis())), 0, 1, TimeUnit.SECONDS);
    ticks.scheduleWithFixedDelay(
        guarded(() -> timeline.observe(System.currentTimeMillis())), 0, 200, TimeUnit.MILLISECONDS);
  }

  /** A periodic task that throws is never run again; log and go on instead. */
  private static Runnable guarded(Runnable task) {
    return () -> {
      try {
        task.run();
      } catch (RuntimeException e) {
        LOG.warn("dashboard sampling failed; it runs again on the next tick", e);
      }
    };
  }

  void stop(@Observes ShutdownEvent ev) {
    ticks.shutdownNow();
  }

  /** False until the engine has started (HTTP answers before that). */
  public boolean started() {
    return reader != null;
  }

  public NodeStatus status(boolean withHistory) {
    return reader.read(traffic, timeline, withHistory);
  }
}
