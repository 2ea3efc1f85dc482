package io.eventstreamcore.node.dedup;

import org.jboss.logging.Logger;

/**
 * The dedup window this member really keeps, said openly. Its buckets keep every id of the
 * configured window until one reaches its share of the heap; that bucket then drops its oldest
 * generation early, and for one window afterwards the member keeps ids only since that moment. So
 * the window narrows rather than ids vanishing unannounced: the narrower window is logged, is a
 * metric ({@code esc_dedup_window_effective_seconds}) and is in {@code esc node}.
 */
public final class DedupWindow {
  private static final Logger LOG = Logger.getLogger(DedupWindow.class);
  private static final long LOG_EVERY_MILLIS = 60_000;

  /** What a member keeps: its window now, the configured one, and the ids dropped early so far. */
  public record Kept(long configuredMillis, long effectiveMillis, long droppedBeforeWindowEnd) {
    public boolean narrowed() {
      return effectiveMillis < configuredMillis;
    }
  }

  private final long configuredMillis;
  private volatile Kept kept;
  private long droppedLogged;
  private long loggedAt = Long.MIN_VALUE;

  DedupWindow(long configuredMillis) {
    this.configuredMillis = configuredMillis;
    this.kept = new Kept(configuredMillis, configuredMillis, 0);
  }

  /**
   * @param keptSince the latest time since which a bucket of this member holds every id after
   *     dropping some early, or -1 if none did
   * @param dropped ids dropped early so far by the buckets this member owns
   */
  Kept observe(long keptSince, long dropped, long nowMillis) {
    long effective =
        keptSince < 0 ? configuredMillis : Math.min(configuredMillis, nowMillis - keptSince);
    Kept now = new Kept(configuredMillis, Math.max(0, effective), dropped);
    kept = now;
    if (now.narrowed() && dropped > droppedLogged && nowMillis - loggedAt >= LOG_EVERY_MILLIS) {
      LOG.warnf(
          "dedup window narrowed to %d s of the configured %d s: the table reached its heap limit"
              + " and dropped %d ids before their window ended, so a retry older than %d s may be"
              + " stored again. Give the node more heap, a shorter esc.dedup.window or a higher"
              + " esc.dedup.max-heap-percent",
          now.effectiveMillis() / 1000,
          configuredMillis / 1000,
          dropped - droppedLogged,
          now.effectiveMillis() / 1000);
      droppedLogged = dropped;
      loggedAt = nowMillis;
    }
    return now;
  }

  Kept kept() {
    return kept;
  }
}
