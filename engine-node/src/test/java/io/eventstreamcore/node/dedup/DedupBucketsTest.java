package io.eventstreamcore.node.dedup;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The table while this node's member is still starting: Raft does not wait for it. */
class DedupBucketsTest {
  private static DedupKey key(String id) {
    return DedupKey.of(DedupTableTest.event("t", id));
  }

  @Test
  void untilTheMemberIsUpClaimsFailAtOnceAndRecordsWaitForIt() throws Exception {
    CompletableFuture<HazelcastInstance> member = new CompletableFuture<>();
    DedupBuckets table = new DedupBuckets(member, 300_000, 1_000);

    assertThat(table.claim(List.of(key("a")), 1, 1, 60_000))
        .as("a leader must not wait for a member that is starting")
        .failsWithin(Duration.ZERO)
        .withThrowableThat()
        .withMessageContaining("still starting");
    assertThat(table.lookup(key("a"))).isCompletedExceptionally();
    assertThat(table.localStats()).containsExactly(0, 0, 0, -1);
    CompletableFuture<Void> recorded = table.markStored(Map.of(key("a"), 7L));
    assertThat(recorded).isNotDone();

    HazelcastInstance started =
        Hazelcast.newHazelcastInstance(DedupTable.config(DedupTableTest.settings()));
    try {
      member.complete(started);
      assertThat(recorded).succeedsWithin(Duration.ofSeconds(30));
      assertThat(table.lookup(key("a")).join()).isEqualTo(DedupEntry.stored(7));
    } finally {
      started.shutdown();
    }
  }
}
