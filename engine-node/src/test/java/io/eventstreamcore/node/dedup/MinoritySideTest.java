package io.eventstreamcore.node.dedup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.splitbrainprotection.SplitBrainProtectionException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * A member that sees fewer than a majority of the Raft group's members neither answers nor records:
 * its records are kept, and nothing after them counts as recorded, until a majority is back.
 */
class MinoritySideTest {
  private static final long WINDOW_MILLIS = 300_000;

  private static DedupTable.Settings settings(String cluster, int port, List<Integer> ports) {
    return new DedupTable.Settings(
        cluster,
        "127.0.0.1",
        Optional.of("127.0.0.1"),
        port,
        ports.stream().map(p -> "127.0.0.1:" + p).toList(),
        Optional.empty(),
        7,
        40,
        Duration.ofMillis(WINDOW_MILLIS),
        60_000,
        Duration.ofSeconds(1),
        () -> 3);
  }

  @Test
  void aLoneMemberOfThreeKeepsItsRecordsUntilASecondJoins() throws Exception {
    String cluster = "minority-" + UUID.randomUUID();
    int first = DedupTableTest.freePort();
    int second = DedupTableTest.freePort();
    List<Integer> ports = List.of(first, second);
    HazelcastInstance lone =
        Hazelcast.newHazelcastInstance(DedupTable.config(settings(cluster, first, ports)));
    HazelcastInstance joining = null;
    DedupBuckets table =
        new DedupBuckets(CompletableFuture.completedFuture(lone), WINDOW_MILLIS, 1_000);
    DedupKey key = DedupKey.of(DedupTableTest.event("t", "a"));
    DedupMarker marker =
        new DedupMarker(
            table, new DedupMetrics(new SimpleMeterRegistry()), () -> true, WINDOW_MILLIS);
    try (marker) {
      assertThat(table.lookup(key))
          .as("one of three members is a minority: it must not answer")
          .failsWithin(Duration.ofSeconds(10))
          .withThrowableThat()
          .withRootCauseInstanceOf(SplitBrainProtectionException.class);

      marker.applied(1, 0, -1, List.of(key), new long[] {5});
      await()
          .during(Duration.ofSeconds(1))
          .atMost(Duration.ofSeconds(5))
          .until(() -> marker.recordedThrough() == -1);
      assertThat(marker.unwritten(key))
          .as("the leader still answers from what it keeps")
          .isEqualTo(DedupEntry.stored(5));

      joining = Hazelcast.newHazelcastInstance(DedupTable.config(settings(cluster, second, ports)));
      await().atMost(Duration.ofSeconds(30)).until(() -> marker.recordedThrough() == 0);
      assertThat(table.lookup(key).join()).isEqualTo(DedupEntry.stored(5));
    } finally {
      if (joining != null) {
        joining.shutdown();
      }
      lone.shutdown();
    }
  }
}
