package io.eventstreamcore.node.dedup;

import io.eventstreamcore.node.threads.DaemonThreads;
import java.io.Closeable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Reads the window of this node's log into its {@link RecentIds} when the filters may lack keys
 * applied within it: at start (the log replayed since the last snapshot is applied again, but what
 * lies below it is not) and after the store jumped to a snapshot copied from the leader. Until the
 * fill is done the leader asks the table about every key.
 */
final class RecentIdsFill implements Closeable {
  private static final Logger LOG = Logger.getLogger(RecentIdsFill.class);
  private static final long RETRY_PAUSE_MILLIS = 1_000;

  private final RecentIds recent;
  private final LogWindow log;
  private final long windowMillis;
  private final ScheduledExecutorService worker =
      Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("esc-dedup-filter-fill"));

  RecentIdsFill(RecentIds recent, LogWindow log, long windowMillis) {
    this.recent = recent;
    this.log = log;
    this.windowMillis = windowMillis;
  }

  /** Distrusts the filters now and fills them in the background. */
  void request() {
    long ticket = recent.distrust();
    worker.execute(() -> fill(ticket));
  }

  private void fill(long ticket) {
    long startedAt = System.currentTimeMillis();
    try {
      long since = startedAt - windowMillis;
      boolean whole = log.read(since, keys -> recent.add(keys.keySet(), startedAt));
      // Events retention deleted may have been within the window: trust the filters only once a
      // whole window has passed since this fill.
      recent.trustFrom(whole ? since : startedAt, ticket);
    } catch (RuntimeException e) {
      LOG.warnf("reading the log into the dedup filters failed, retrying: %s", e.toString());
      worker.schedule(() -> fill(ticket), RETRY_PAUSE_MILLIS, TimeUnit.MILLISECONDS);
    }
  }

  @Override
  public void close() {
    worker.shutdownNow();
  }
}
