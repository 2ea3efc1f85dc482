package io.eventstreamcore.node.dedup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.eventstreamcore.node.storage.EventStore;
import io.eventstreamcore.node.storage.StoreConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IncompleteBucketRefillTest {
  private static final long TERM = 4;
  private static final long WRITTEN_THROUGH = 9;

  @TempDir Path dir;
  @TempDir Path cutDir;
  private HazelcastInstance member;
  private EventStore store;
  private DedupBuckets table;
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private IncompleteBucketRefill refill;

  @BeforeEach
  void start() throws Exception {
    member = Hazelcast.newHazelcastInstance(DedupTable.config(DedupTableTest.settings()));
    store = EventStore.open(dir, new StoreConfig(1 << 20, 4096, -1, -1));
    table = new DedupBuckets(CompletableFuture.completedFuture(member), 300_000, 1_000);
    store.append(
        List.of(
            DedupTableTest.event("a", "x"),
            DedupTableTest.event("b", "x"),
            DedupTableTest.event("a", "y")),
        List.of("a", "b", "a"));
    store.append(List.of(DedupTableTest.event("a", "x")), List.of("a"));
    refill = refillFrom(store);
  }

  private IncompleteBucketRefill refillFrom(EventStore log) {
    return new IncompleteBucketRefill(
        table,
        new LogWindow(log),
        Duration.ofMinutes(5),
        new DedupMetrics(meters),
        () -> TERM,
        () -> true,
        new IncompleteBucketRefill.LeaderRecords() {
          @Override
          public boolean recordedBefore(long term) {
            return term == TERM;
          }

          @Override
          public long askedThrough() {
            return WRITTEN_THROUGH;
          }

          @Override
          public long appliedThrough() {
            return WRITTEN_THROUGH + 2;
          }
        });
  }

  @AfterEach
  void stop() throws Exception {
    refill.close();
    store.close();
    member.shutdown();
  }

  @Test
  void theLeaderRefillsEveryEventOfTheWindowFromItsLogIntoBucketsThatAreNotComplete() {
    refill.ensure(TERM);

    awaitEveryBucketRefilled();
    assertThat(table.lookup(key("a", "x"), WRITTEN_THROUGH).join())
        .as("the id stored twice keeps its later offset")
        .isEqualTo(DedupEntry.stored(2));
    assertThat(table.lookup(key("b", "x"), WRITTEN_THROUGH).join()).isEqualTo(DedupEntry.stored(0));
    assertThat(table.lookup(key("a", "y"), WRITTEN_THROUGH).join()).isEqualTo(DedupEntry.stored(1));
    assertThat(meters.counter("esc.dedup.refill.events").count()).isEqualTo(3);
  }

  @Test
  void aRefillFromALogThatRetentionCutWithinTheWindowNarrowsTheWindowOpenly() throws Exception {
    refill.close();
    try (EventStore cut = EventStore.open(cutDir, new StoreConfig(256, 64, -1, 512))) {
      for (int i = 0; i < 40; i++) {
        cut.append(List.of(DedupTableTest.event("c", "id-" + i)), List.of("c"));
      }
      assertThat(cut.applyRetention(System.currentTimeMillis(), Map.of("c", Long.MAX_VALUE)))
          .as("segments retention deleted, their events appended just now")
          .isPositive();
      long before = System.currentTimeMillis();
      refill = refillFrom(cut);
      refill.ensure(TERM);

      awaitEveryBucketRefilled();
      assertThat(table.localStats()[3])
          .as("the buckets say since when they hold every id")
          .isGreaterThanOrEqualTo(before);
      assertThat(table.lookup(key("c", "id-39"), WRITTEN_THROUGH).join())
          .as("still in the log")
          .isEqualTo(DedupEntry.stored(cut.endOffset("c") - 1));
      assertThat(table.lookup(key("c", "id-0"), WRITTEN_THROUGH).join())
          .as("deleted by retention: not known, and the narrower window says so")
          .isNull();
    }
  }

  /** Until every bucket is recorded through what the leader applied, and the refill is idle. */
  private void awaitEveryBucketRefilled() {
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                table.incompleteBuckets(WRITTEN_THROUGH + 2).join().isEmpty()
                    && !refill.inProgress());
  }

  private static DedupKey key(String topic, String id) {
    return DedupKey.of(DedupTableTest.event(topic, id));
  }
}
