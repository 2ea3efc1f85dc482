package io.eventstreamcore.node.dedup;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.MapPartitionLostEvent;
import io.eventstreamcore.node.storage.EventStore;
import io.eventstreamcore.node.storage.StoreConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LostEntryRefillTest {
  @TempDir Path dir;

  @Test
  void aLostPartitionRefillsEveryEventOfTheWindowFromTheLog() throws Exception {
    HazelcastInstance member =
        Hazelcast.newHazelcastInstance(DedupTable.config(DedupTableTest.settings()));
    try (EventStore store = EventStore.open(dir, new StoreConfig(1 << 20, 4096, -1, -1))) {
      DedupBuckets table =
          new DedupBuckets(CompletableFuture.completedFuture(member), 300_000, 1_000);
      SimpleMeterRegistry meters = new SimpleMeterRegistry();
      store.append(
          List.of(
              DedupTableTest.event("a", "x"),
              DedupTableTest.event("b", "x"),
              DedupTableTest.event("a", "y")),
          List.of("a", "b", "a"));
      store.append(List.of(DedupTableTest.event("a", "x")), List.of("a"));
      table.claim(List.of(key("a", "y")), 1, 1, 60_000).join();

      try (LostEntryRefill refill =
          new LostEntryRefill(
              table, new LogWindow(store), Duration.ofMinutes(5), new DedupMetrics(meters))) {
        refill.partitionLost(
            new MapPartitionLostEvent(DedupTable.MAP, member.getCluster().getLocalMember(), 0, 7));
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (refill.inProgress()) {
          assertThat(System.nanoTime()).as("refilled in time").isLessThan(deadline);
          Thread.sleep(10);
        }
      }
      assertThat(table.lookup(key("a", "x")).join())
          .as("the id stored twice keeps its later offset")
          .containsExactly(1, 2);
      assertThat(table.lookup(key("b", "x")).join()).containsExactly(1, 0);
      assertThat(table.lookup(key("a", "y")).join())
          .as("a claim replaced by what was stored")
          .containsExactly(1, 1);
      assertThat(meters.counter("esc.dedup.partitions.lost").count()).isEqualTo(1);
      assertThat(meters.counter("esc.dedup.refill.events").count()).isEqualTo(3);
    } finally {
      member.shutdown();
    }
  }

  private static DedupKey key(String topic, String id) {
    return DedupKey.of(DedupTableTest.event(topic, id));
  }
}
