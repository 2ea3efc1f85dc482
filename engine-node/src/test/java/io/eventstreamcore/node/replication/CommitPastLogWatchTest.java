package io.eventstreamcore.node.replication;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CommitPastLogWatchTest {
  private final AtomicLong now = new AtomicLong(10_000);
  private long commit;
  private long next;
  private final List<String> restarts = new ArrayList<>();
  private final CommitPastLogWatch watch =
      new CommitPastLogWatch(
          new CommitPastLogWatch.Log() {
            @Override
            public long commitIndex() {
              return commit;
            }

            @Override
            public long nextIndex() {
              return next;
            }

            @Override
            public void restartInPlace(String why) {
              restarts.add(why);
            }
          },
          Duration.ofSeconds(3),
          now::get);

  /** Runs the watch once a second for {@code seconds}. */
  private void runFor(int seconds) {
    for (int s = 0; s <= seconds; s++) {
      watch.run();
      now.addAndGet(1_000);
    }
  }

  @Test
  void aFollowerCommittedPastItsStillLogIsRestartedOnce() {
    commit = 634;
    next = 633;
    runFor(3);
    assertThat(restarts).hasSize(1);
    assertThat(restarts.get(0)).contains("commit index 634").contains("next index 633");
  }

  @Test
  void aShorterSpellIsLeftAlone() {
    commit = 634;
    next = 633;
    runFor(2);
    assertThat(restarts).isEmpty();
  }

  @Test
  void aLogThatMovesIsLeftAlone() {
    commit = 634;
    for (int s = 0; s < 10; s++) {
      next = 600 + s;
      watch.run();
      now.addAndGet(1_000);
    }
    assertThat(restarts).isEmpty();
  }

  @Test
  void aCommitIndexWithinTheLogIsLeftAlone() {
    commit = 632;
    next = 633;
    runFor(10);
    assertThat(restarts).isEmpty();
  }
}
