package io.eventstreamcore.node.dedup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The table while this node's member is still starting: Raft does not wait for it, and records that
 * wait for it keep the window of their events.
 */
class DedupBucketsTest {
  private static DedupKey key(String id) {
    return DedupKey.of(DedupTableTest.event("t", id));
  }

  @Test
  void untilTheMemberIsUpClaimsFailAtOnceAndRecordsWaitForIt() throws Exception {
    CompletableFuture<HazelcastInstance> member = new CompletableFuture<>();
    DedupBuckets table = new DedupBuckets(member, 300_000, 1_000);

    assertThat(table.claim(List.of(key("a")), 1, 1, 60_000, -1))
        .as("a leader must not wait for a member that is starting")
        .failsWithin(Duration.ZERO)
        .withThrowableThat()
        .withMessageContaining("still starting");
    assertThat(table.isStarted()).isFalse();
    assertThat(table.lookup(key("a"), -1)).isCompletedExceptionally();
    assertThat(table.localStats()).containsExactly(0, 0, 0, -1);
    long now = System.currentTimeMillis();
    CompletableFuture<Void> recorded = table.markStored(Map.of(key("a"), 7L), now);
    CompletableFuture<Void> recordedLate = table.markStored(Map.of(key("old"), 8L), now - 300_001);
    assertThat(recorded).isNotDone();

    HazelcastInstance started =
        Hazelcast.newHazelcastInstance(DedupTable.config(DedupTableTest.settings()));
    try {
      member.complete(started);
      assertThat(recorded).succeedsWithin(Duration.ofSeconds(30));
      assertThat(recordedLate).succeedsWithin(Duration.ofSeconds(30));
      assertThat(table.lookup(key("a"), 0).join())
          .as("records alone do not make a bucket recorded through any part of the log")
          .isEqualTo(DedupEntry.unknown());
      table.complete(table.incompleteBuckets(0).join(), 0, -1).join();
      assertThat(table.lookup(key("a"), 0).join()).isEqualTo(DedupEntry.stored(7));
      assertThat(table.lookup(key("old"), 0).join())
          .as("a record written after its event's window ended answers nothing")
          .isNull();
    } finally {
      started.shutdown();
    }
  }

  @Test
  void aBucketMadeAnewAfterTheSurveyIsNotDeclaredCompleteByARefillThatReadTheLogForTheOldOne()
      throws Exception {
    HazelcastInstance member =
        Hazelcast.newHazelcastInstance(DedupTable.config(DedupTableTest.settings()));
    try {
      DedupBuckets table =
          new DedupBuckets(CompletableFuture.completedFuture(member), 300_000, 1_000);
      Map<Integer, Long> surveyed = table.incompleteBuckets(0).join();
      assertThat(surveyed).as("every bucket made, none complete").hasSize(DedupKey.BUCKETS);

      member.getMap(DedupTable.MAP).delete(key("lost").bucket());
      table.markStored(Map.of(key("lost"), 1L), System.currentTimeMillis()).join();
      Set<Integer> completed = table.complete(surveyed, 0, -1).join();

      assertThat(completed).hasSize(DedupKey.BUCKETS - 1).doesNotContain(key("lost").bucket());
      assertThat(table.lookup(key("lost"), 0).join()).isEqualTo(DedupEntry.unknown());
      assertThat(table.incompleteBuckets(0).join()).containsOnlyKeys(key("lost").bucket());
    } finally {
      member.shutdown();
    }
  }

  @Test
  void aRecordTheStartingMemberHasNotTakenAnswersOnlyWithinTheWindow() {
    long windowMillis = 400;
    DedupBuckets table = new DedupBuckets(new CompletableFuture<>(), windowMillis, 1_000);
    DedupMarker marker =
        new DedupMarker(
            table, new DedupMetrics(new SimpleMeterRegistry()), () -> true, windowMillis);
    try (marker) {
      marker.applied(1, 0, -1, List.of(key("a")), new long[] {3});
      assertThat(marker.unwritten(key("a"))).isEqualTo(DedupEntry.stored(3));
      await()
          .atMost(Duration.ofSeconds(10))
          .pollInterval(Duration.ofMillis(20))
          .untilAsserted(
              () ->
                  assertThat(marker.unwritten(key("a")))
                      .as("the id may be stored again once its window is over")
                      .isNull());
      assertThat(marker.recordedThrough())
          .as("the record is still waiting for the member")
          .isEqualTo(-1);
    }
  }
}
