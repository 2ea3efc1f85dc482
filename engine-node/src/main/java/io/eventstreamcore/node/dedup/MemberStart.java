package io.eventstreamcore.node.dedup;

import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import java.io.Closeable;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * Starts this node's Hazelcast member on a thread of its own: the start and join take seconds (8.5
 * s of a restart under load), Raft need not wait for them, and on two vCPUs they are better not run
 * beside Raft's own start. A member that cannot start is fatal, as it was when the start was part
 * of the node's, but only after {@link #ATTEMPTS} tries: Hazelcast shuts a member down when the
 * cluster refuses its join for a moment, as it does while the two sides of a healed cut merge (a
 * fault run lost a restarted node that way).
 */
final class MemberStart implements Closeable {
  private static final Logger LOG = Logger.getLogger(MemberStart.class);
  static final int ATTEMPTS = 10;
  static final long RETRY_PAUSE_MILLIS = 2_000;

  private final Config config;
  private final CompletableFuture<HazelcastInstance> member;
  private final Consumer<Throwable> onFailure;
  private volatile boolean closed;
  private volatile int attempts;

  /**
   * @param member completed with the started member, or with the last failure
   * @param onFailure told when the member could not start after every attempt
   */
  MemberStart(
      Config config, CompletableFuture<HazelcastInstance> member, Consumer<Throwable> onFailure) {
    this.config = config;
    this.member = member;
    this.onFailure = onFailure;
  }

  void begin() {
    Thread starter = new Thread(this::startWithRetries, "esc-dedup-start");
    starter.setDaemon(true);
    starter.start();
  }

  private void startWithRetries() {
    for (int attempt = 1; ; attempt++) {
      attempts = attempt;
      try {
        member.complete(Hazelcast.newHazelcastInstance(config));
        return;
      } catch (RuntimeException | Error e) {
        if (closed) {
          member.completeExceptionally(e);
          return;
        }
        if (attempt == ATTEMPTS || e instanceof Error) {
          member.completeExceptionally(e);
          onFailure.accept(e);
          return;
        }
        LOG.warnf(
            "the dedup table's Hazelcast member could not start or join (attempt %d of %d),"
                + " trying again in %d ms: %s",
            attempt, ATTEMPTS, RETRY_PAUSE_MILLIS, e.toString());
        if (!pause()) {
          member.completeExceptionally(e);
          return;
        }
      }
    }
  }

  private static boolean pause() {
    try {
      Thread.sleep(RETRY_PAUSE_MILLIS);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** How many starts were begun so far. */
  int attempts() {
    return attempts;
  }

  /** Stops retrying; a member that starts after this is shut down by whoever waits on it. */
  @Override
  public void close() {
    closed = true;
  }
}
