package io.eventstreamcore.node.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SettledOldGenTest {
  private static final long MB = 1 << 20;
  private static final long SECOND = 1_000_000_000L;

  private final AtomicLong afterCollection = new AtomicLong();
  private final AtomicLong now = new AtomicLong();
  private final AtomicLong clock = new AtomicLong();
  private final SettledOldGen signal =
      new SettledOldGen(afterCollection::get, now::get, 256 * MB, clock::get, 10 * SECOND);

  private double read(long afterMb, long nowMb, long atSecond) {
    afterCollection.set(afterMb * MB);
    now.set(nowMb * MB);
    clock.set(atSecond * SECOND);
    return signal.getAsDouble();
  }

  @Test
  void garbagePromotedSinceTheLastCollectionOfTheOldGenerationDoesNotCount() {
    assertThat(read(64, 240, 0)).isEqualTo(0.25);
  }

  @Test
  void theLeastResultOfASeriesOfCollectionsCountsForAWindow() {
    read(100, 120, 0);
    read(220, 230, 3);
    assertThat(read(210, 225, 6)).isEqualTo(100.0 / 256);
    assertThat(read(210, 225, 11)).isEqualTo(210.0 / 256);
  }

  @Test
  void aHeapThatFillsWithLiveObjectsReachesTheSignalAWindowLate() {
    read(50, 60, 0);
    read(240, 250, 5);
    assertThat(read(240, 250, 9)).isLessThan(0.2);
    assertThat(read(240, 250, 16)).isEqualTo(240.0 / 256);
  }

  @Test
  void theLatestResultCountsWhateverItsAgeAndNeverMoreThanTheUseNow() {
    read(128, 130, 0);
    assertThat(read(128, 200, 60)).isEqualTo(0.5);
    assertThat(read(128, 32, 61)).isEqualTo(0.125);
  }

  @Test
  void beforeAnyCollectionOfTheOldGenerationTheSignalReadsNothing() {
    assertThat(read(0, 250, 0)).isZero();
  }

  @Test
  void thisJvmsSignalReadsWhatAFullCollectionFoundLive() {
    Object[] live = new Object[64];
    for (int i = 0; i < live.length; i++) {
      live[i] = new byte[256 * 1024];
    }
    System.gc();
    assertThat(SettledOldGen.ofThisJvm(SECOND).getAsDouble()).isGreaterThan(0.0).isLessThan(1.0);
    assertThat(live).doesNotContainNull();
  }
}
