package io.eventstreamcore.node.dashboard;

import io.eventstreamcore.node.threads.DaemonThreads;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.operators.multi.processors.BroadcastProcessor;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * One collection of the cluster's status a second, shared by every open page: a thousand open
 * streams (the HTTP connection limit) cost this node the same peer requests as one. Nothing is
 * collected while no page is open. A page that reads slowly misses seconds rather than holding
 * statuses for it.
 */
@ApplicationScoped
public class ClusterStream {
  private static final Logger LOG = Logger.getLogger(ClusterStream.class);

  @Inject ClusterCollector collector;

  private final BroadcastProcessor<ClusterStatus> statuses = BroadcastProcessor.create();
  private final AtomicInteger watchers = new AtomicInteger();
  private final AtomicBoolean collecting = new AtomicBoolean();
  private final ScheduledExecutorService tick =
      Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("esc-dashboard-stream"));

  // Not in the constructor: the bean's client proxy runs that too.
  @PostConstruct
  void start() {
    tick.scheduleAtFixedRate(this::collectIfWatched, 1, 1, TimeUnit.SECONDS);
  }

  /** The statuses from now on, for as long as the caller stays subscribed. */
  public Multi<ClusterStatus> follow() {
    return statuses
        .onSubscription()
        .invoke(watchers::incrementAndGet)
        .onTermination()
        .invoke(watchers::decrementAndGet)
        .onOverflow()
        .drop();
  }

  /** One collection at a time: a second whose collection is still running is skipped. */
  private void collectIfWatched() {
    if (watchers.get() == 0 || !collecting.compareAndSet(false, true)) {
      return;
    }
    collector
        .collect(false)
        .whenComplete(
            (status, failure) -> {
              collecting.set(false);
              if (failure != null) {
                LOG.debug("dashboard status collection failed", failure);
              } else {
                statuses.onNext(status);
              }
            });
  }

  void stop(@Observes ShutdownEvent ev) {
    tick.shutdownNow();
  }
}
