package io.eventstreamcore.node.dedup;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RecentIdsTest {
  private static final long WINDOW = 60_000;
  private final SplittableRandom random = new SplittableRandom(7);

  private List<DedupKey> keys(int n) {
    List<DedupKey> keys = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      keys.add(new DedupKey(random.nextLong(), random.nextLong() | 1));
    }
    return keys;
  }

  private static boolean allMaybe(RecentIds recent, List<DedupKey> keys) {
    for (boolean maybe : recent.mightHave(keys)) {
      if (!maybe) {
        return false;
      }
    }
    return true;
  }

  private static double maybeShare(RecentIds recent, List<DedupKey> keys) {
    int maybe = 0;
    for (boolean m : recent.mightHave(keys)) {
      maybe += m ? 1 : 0;
    }
    return (double) maybe / keys.size();
  }

  @Test
  void everyAddedKeyIsAMaybeAndFewOthersAre() {
    RecentIds recent = new RecentIds(WINDOW, 10_000_000, 0);
    List<DedupKey> added = keys(500_000);
    for (int i = 0; i < added.size(); i += 1000) {
      recent.add(added.subList(i, i + 1000), i / 100);
    }
    assertThat(allMaybe(recent, added)).isTrue();
    assertThat(maybeShare(recent, keys(200_000)))
        .as("false positives over all generations")
        .isLessThan(0.001);
  }

  @Test
  void keysAreForgottenOnlyAfterTheWindowAndTheMargin() {
    RecentIds recent = new RecentIds(WINDOW, 10_000_000, 0);
    List<DedupKey> old = keys(100);
    recent.add(old, 0);
    long t = 0;
    while (t < WINDOW + RecentIds.MARGIN_MILLIS) {
      t += WINDOW / 8;
      recent.add(keys(10), t);
      assertThat(allMaybe(recent, old)).as("at %d ms", t).isTrue();
    }
    t += WINDOW / 2;
    recent.add(keys(10), t);
    assertThat(maybeShare(recent, old)).as("a window and its margin later").isZero();
  }

  @Test
  void beyondItsKeyLimitTheOldestGenerationGoesFirst() {
    RecentIds recent = new RecentIds(WINDOW, RecentIds.MIN_CAPACITY, 0);
    List<DedupKey> first = keys((int) RecentIds.MIN_CAPACITY);
    recent.add(first, 0);
    List<DedupKey> next = keys((int) RecentIds.MIN_CAPACITY);
    recent.add(next, 1);
    recent.add(keys(1), 2);
    assertThat(maybeShare(recent, first)).isLessThan(0.01);
    assertThat(allMaybe(recent, next)).isTrue();
  }

  @Test
  void trustedOnlyOnceTheLatestFillCoversAWholeWindow() {
    RecentIds recent = new RecentIds(WINDOW, 1_000_000, 0);
    assertThat(recent.trusted(0)).as("before any fill").isFalse();
    long first = recent.distrust();
    long second = recent.distrust();
    recent.trustFrom(-WINDOW, first);
    assertThat(recent.trusted(0)).as("a fill overtaken by a later one").isFalse();
    recent.trustFrom(-WINDOW, second);
    assertThat(recent.trusted(0)).isTrue();
    recent.trustFrom(1_000, recent.distrust());
    assertThat(recent.trusted(WINDOW)).as("covers from 1 s only").isFalse();
    assertThat(recent.trusted(WINDOW + 1_000)).isTrue();
  }
}
