package io.eventstreamcore.node.replication;

import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.retry.RetryPolicy;
import org.apache.ratis.util.TimeDuration;

/**
 * How the Raft client that forwards a follower's writes (and membership changes) retries: every 50
 * ms through an election, for about 5 s, to follow NotLeader answers and wait for the new leader to
 * become ready; but not once this node has known no leader for {@code giveUpNanos}.
 *
 * <p>Why the limit: after two of three nodes were killed, the survivor's forwarded writes went on
 * retrying every 50 ms for 5 s each, towards peers that were down, and each retry rebuilt a gRPC
 * channel. A profile of the survivor in {@code FaultInjectionIT} put Ratis's client and gRPC at a
 * third of a core while the two restarting nodes were short of CPU. No leader can be elected
 * without a second node then, so such a retry cannot succeed sooner than a fresh send. Given up, a
 * forward fails retryably; the producer sends again, hears that no leader is known and waits for
 * one (ADR 0029). An ordinary election leaves a follower without a leader for well under the limit,
 * so its forwards still follow it.
 *
 * <p>The time without a leader is measured from the first failed attempt that found none, and
 * starts over when an attempt finds a leader or when no attempt failed for {@link #QUIET_NANOS}:
 * Ratis tells the state machine when a leader appears, but not when it is lost.
 */
final class ForwardRetry implements RetryPolicy {
  private static final RetryPolicy THROUGH_AN_ELECTION =
      RetryPolicies.retryUpToMaximumCountWithFixedSleep(
          100, TimeDuration.valueOf(50, TimeUnit.MILLISECONDS));

  /** Longer than any gap between two failed attempts while requests are being retried. */
  static final long QUIET_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

  private static final long NONE = Long.MIN_VALUE;

  private final BooleanSupplier knowsLeader;
  private final long giveUpNanos;
  private final LongSupplier nanoClock;
  private long leaderlessSince = NONE;
  private long lastFailure = NONE;

  ForwardRetry(BooleanSupplier knowsLeader, long giveUpNanos, LongSupplier nanoClock) {
    this.knowsLeader = knowsLeader;
    this.giveUpNanos = giveUpNanos;
    this.nanoClock = nanoClock;
  }

  @Override
  public Action handleAttemptFailure(Event event) {
    return leaderlessTooLong() ? NO_RETRY_ACTION : THROUGH_AN_ELECTION.handleAttemptFailure(event);
  }

  private synchronized boolean leaderlessTooLong() {
    long now = nanoClock.getAsLong();
    boolean quietSince = lastFailure == NONE || now - lastFailure > QUIET_NANOS;
    lastFailure = now;
    if (knowsLeader.getAsBoolean()) {
      leaderlessSince = NONE;
      return false;
    }
    if (leaderlessSince == NONE || quietSince) {
      leaderlessSince = now;
    }
    return now - leaderlessSince >= giveUpNanos;
  }

  @Override
  public String toString() {
    return "ForwardRetry(" + THROUGH_AN_ELECTION + ", no leader for " + giveUpNanos + " ns)";
  }
}
