package io.eventstreamcore.node.dedup;

import static io.eventstreamcore.node.dedup.DedupTableTest.event;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class HeldRecordsTest {
  private final HeldRecords held = new HeldRecords();

  private CompletableFuture<Void> hold(long index, String id, long offset) {
    return held.hold(index, List.of(DedupKey.of(event("t", id))), new long[] {offset});
  }

  @Test
  void aStampDropsWhatItCoversAndNothingAfter() {
    CompletableFuture<Void> first = hold(10, "a", 0);
    CompletableFuture<Void> second = hold(11, "b", 1);
    long bothBytes = held.bytes();

    held.coveredThrough(10);

    assertThat(first).isCompleted();
    assertThat(second).isNotDone();
    assertThat(held.bytes()).isPositive().isLessThan(bothBytes);
  }

  @Test
  void whatIsTakenCompletesOnceWrittenWithTheLatestOffsetOfEachKey() {
    CompletableFuture<Void> first = hold(10, "a", 0);
    CompletableFuture<Void> second = hold(11, "a", 5);
    CompletableFuture<Void> written = new CompletableFuture<>();

    Map<DedupKey, Long> toWrite = held.takeAll(written);

    ByteBuffer a = event("t", "a");
    assertThat(toWrite).containsExactly(Map.entry(DedupKey.of(a), 5L));
    assertThat(held.bytes()).isZero();
    assertThat(first).isNotDone();
    written.complete(null);
    assertThat(first).isCompleted();
    assertThat(second).isCompleted();
  }
}
