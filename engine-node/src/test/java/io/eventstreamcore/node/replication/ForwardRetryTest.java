package io.eventstreamcore.node.replication;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.ratis.retry.RetryPolicy;
import org.junit.jupiter.api.Test;

class ForwardRetryTest {
  private static final long GIVE_UP = TimeUnit.MILLISECONDS.toNanos(1_200);
  private static final long SLEEP = TimeUnit.MILLISECONDS.toNanos(50);

  private final AtomicBoolean leaderKnown = new AtomicBoolean(true);
  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final ForwardRetry policy = new ForwardRetry(leaderKnown::get, GIVE_UP, now::get);

  private boolean retriesAttempt(int attempt) {
    RetryPolicy.Action action = policy.handleAttemptFailure(() -> attempt);
    return action.shouldRetry();
  }

  /** Fails attempts 50 ms apart for {@code nanos}; true if every one was retried. */
  private boolean retriesFor(long nanos) {
    for (long spent = 0; spent < nanos; spent += SLEEP) {
      if (!retriesAttempt(1)) {
        return false;
      }
      now.addAndGet(SLEEP);
    }
    return true;
  }

  @Test
  void followsAnElectionWhileALeaderIsKnownUpToItsAttemptLimit() {
    assertThat(retriesFor(3 * GIVE_UP)).isTrue();
    assertThat(policy.handleAttemptFailure(() -> 1).getSleepTime().toLong(TimeUnit.MILLISECONDS))
        .isEqualTo(50);
    assertThat(retriesAttempt(100)).as("about 5 s of attempts, then no more").isFalse();
  }

  @Test
  void givesUpOnceNoLeaderWasKnownForTheLimit() {
    leaderKnown.set(false);
    assertThat(retriesFor(GIVE_UP - SLEEP)).isTrue();
    now.addAndGet(SLEEP);
    assertThat(retriesAttempt(1)).isFalse();
  }

  @Test
  void aLeaderSeenInBetweenStartsTheClockOver() {
    leaderKnown.set(false);
    assertThat(retriesFor(GIVE_UP - 2 * SLEEP)).isTrue();
    leaderKnown.set(true);
    assertThat(retriesAttempt(1)).isTrue();
    leaderKnown.set(false);
    assertThat(retriesFor(GIVE_UP - SLEEP)).as("a new episode gets the whole limit").isTrue();
  }

  @Test
  void anEarlierEpisodeAfterQuietDoesNotCount() {
    leaderKnown.set(false);
    assertThat(retriesFor(GIVE_UP - 2 * SLEEP)).isTrue();
    // No attempt failed for a while (a leader came and went unseen by any failure).
    now.addAndGet(ForwardRetry.QUIET_NANOS + 1);
    assertThat(retriesFor(GIVE_UP - SLEEP)).isTrue();
  }
}
