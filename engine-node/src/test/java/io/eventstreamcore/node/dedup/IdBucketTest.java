package io.eventstreamcore.node.dedup;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.internal.serialization.Data;
import com.hazelcast.internal.serialization.InternalSerializationService;
import com.hazelcast.internal.serialization.impl.DefaultSerializationServiceBuilder;
import org.junit.jupiter.api.Test;

class IdBucketTest {
  private static final long WINDOW = 1_000;

  private static IdBucket.Limits at(long now, int maxPerGeneration) {
    return new IdBucket.Limits(now, WINDOW, maxPerGeneration, 77);
  }

  @Test
  void keepsEveryEntryAcrossGrowthAndReplacesByKey() {
    IdBucket b = new IdBucket();
    for (int i = 1; i <= 10_000; i++) {
      b.put(i, i * 31L | 1, DedupEntry.claimed(2, i, 7), at(0, 1 << 20));
    }
    b.put(500, 500 * 31L | 1, DedupEntry.stored(42), at(0, 1 << 20));
    assertThat(b.size()).isEqualTo(10_000);
    assertThat(b.get(500, 500 * 31L | 1, at(0, 0))).containsExactly(1, 42);
    assertThat(b.get(9_999, 9_999 * 31L | 1, at(0, 0))).containsExactly(0, 2, 9_999, 0);
    assertThat(b.get(10_001, 10_001 * 31L | 1, at(0, 0))).isNull();
  }

  @Test
  void anIdCountsForOneWindowAfterItWasWritten() {
    IdBucket b = new IdBucket();
    b.put(1, 1, DedupEntry.stored(0), at(100, 100));
    assertThat(b.get(1, 1, at(100 + WINDOW - 1, 100))).containsExactly(1, 0);
    assertThat(b.get(1, 1, at(100 + WINDOW, 100))).isNull();
  }

  @Test
  void memoryIsReclaimedAGenerationAtATime() {
    IdBucket b = new IdBucket();
    b.put(1, 1, DedupEntry.stored(0), at(0, 100));
    b.put(2, 1, DedupEntry.stored(1), at(WINDOW, 100));
    assertThat(b.size()).as("the first generation kept one window more").isEqualTo(2);
    assertThat(b.get(1, 1, at(WINDOW, 100))).as("but it no longer counts").isNull();
    b.put(3, 1, DedupEntry.stored(2), at(2 * WINDOW, 100));
    assertThat(b.size()).isEqualTo(2);
    assertThat(b.get(2, 1, at(2 * WINDOW - 1, 100))).isNotNull();
    assertThat(b.droppedEarly()).isZero();
  }

  @Test
  void aFullGenerationEndsEarlyAndCountsWhatItDrops() {
    IdBucket b = new IdBucket();
    for (int i = 1; i <= 7; i++) {
      b.put(i, 1, DedupEntry.stored(i), at(0, 3));
    }
    assertThat(b.droppedEarly()).as("generations of 3: the first 3 dropped").isEqualTo(3);
    assertThat(b.get(3, 1, at(0, 3))).isNull();
    assertThat(b.get(4, 1, at(0, 3))).isNotNull();
    assertThat(b.get(7, 1, at(0, 3))).isNotNull();
  }

  @Test
  void aGenerationEndedEarlySaysSinceWhenTheBucketHoldsEveryId() {
    IdBucket b = new IdBucket();
    assertThat(b.keptSince()).as("nothing dropped yet").isEqualTo(-1);
    for (int i = 1; i <= 6; i++) {
      b.put(i, 1, DedupEntry.stored(i), at(10 * i, 3));
    }
    assertThat(b.keptSince())
        .as("the second generation, begun at 40, ended the first")
        .isEqualTo(-1);
    b.put(7, 1, DedupEntry.stored(7), at(70, 3));
    assertThat(b.droppedEarly()).isEqualTo(3);
    assertThat(b.keptSince()).as("ids from 40 on are all still there").isEqualTo(40);
    assertThat(b.get(4, 1, at(70, 3))).isNotNull();
    assertThat(b.get(3, 1, at(70, 3))).isNull();
  }

  @Test
  void isRecordedThroughThePartsOfTheLogWrittenIntoItOnlyWhileTheyFollowOn() {
    IdBucket b = IdBucket.madeBy(at(0, 30));
    assertThat(b.recordedThrough()).as("made anew").isEqualTo(-1);
    b.recorded(-1, 10);
    b.recorded(10, 14);
    assertThat(b.recordedThrough()).isEqualTo(14);

    b.recorded(17, 20);
    b.recorded(20, 22);
    assertThat(b.recordedThrough()).as("this copy missed the write of (14, 17]").isEqualTo(14);
    b.refilledThrough(18);
    assertThat(b.recordedThrough())
        .as("what was written after the gap counts once a refill filled it")
        .isEqualTo(22);

    b.recorded(30, 31);
    b.recorded(40, 45);
    b.refilledThrough(30);
    assertThat(b.recordedThrough())
        .as("only the latest part after a gap is kept aside")
        .isEqualTo(30);
    b.refilledThrough(40);
    assertThat(b.recordedThrough()).isEqualTo(45);
    b.recorded(41, 43);
    assertThat(b.recordedThrough()).as("an earlier part again changes nothing").isEqualTo(45);
  }

  @Test
  void survivesTheCopyToABackupOrANewOwner() {
    IdBucket b = IdBucket.madeBy(at(0, 30));
    b.refilledThrough(12);
    b.recorded(20, 25);
    for (int i = 1; i <= 100; i++) {
      b.put(i, 3, DedupEntry.claimed(1, i, 0), at(0, 30));
    }
    InternalSerializationService ss =
        new DefaultSerializationServiceBuilder()
            .addDataSerializableFactory(DedupSerialization.FACTORY_ID, new DedupSerialization())
            .build();
    Data bytes = ss.toData(b);
    IdBucket copy = ss.toObject(bytes);
    assertThat(copy.size()).isEqualTo(b.size());
    assertThat(copy.droppedEarly()).isEqualTo(b.droppedEarly()).isPositive();
    assertThat(copy.keptSince()).isEqualTo(b.keptSince()).isZero();
    assertThat(copy.incarnation()).isEqualTo(77);
    assertThat(copy.recordedThrough()).isEqualTo(12);
    copy.recorded(12, 20);
    assertThat(copy.recordedThrough())
        .as("the part written ahead of a gap, copied too, counts once the gap is filled")
        .isEqualTo(25);
    for (int i = 1; i <= 100; i++) {
      assertThat(copy.get(i, 3, at(0, 30))).isEqualTo(b.get(i, 3, at(0, 30)));
    }
  }
}
