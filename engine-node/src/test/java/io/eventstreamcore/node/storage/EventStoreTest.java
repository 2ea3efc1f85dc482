package io.eventstreamcore.node.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eventstreamcore.protocol.Event;
import io.eventstreamcore.protocol.EventCodec;
import io.eventstreamcore.protocol.Priority;
import io.eventstreamcore.protocol.Record;
import io.eventstreamcore.protocol.WireReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EventStoreTest {
  private static final StoreConfig SMALL_SEGMENTS = new StoreConfig(4096, 512, -1, -1);

  @TempDir Path dir;

  private static ByteBuffer event(String topic, int n) {
    byte[] payload = ("payload-" + n).getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.wrap(EventCodec.encode(Event.of("id-" + n, topic, Priority.MEDIUM, payload)));
  }

  /** Appends in batches of up to 10 events, as the state machine would. */
  private static void appendN(EventStore store, String topic, int from, int count) {
    for (int batchStart = from; batchStart < from + count; batchStart += 10) {
      int n = Math.min(10, from + count - batchStart);
      List<ByteBuffer> events = new ArrayList<>();
      for (int i = batchStart; i < batchStart + n; i++) {
        events.add(event(topic, i));
      }
      store.append(events, Collections.nCopies(n, topic));
    }
  }

  private static List<String> payloads(EventStore store, String topic, long from) {
    List<String> out = new ArrayList<>();
    long next = from;
    while (true) {
      ReadChunk chunk = store.read(topic, next, 7, 300);
      if (chunk.count() == 0) {
        return out;
      }
      for (Record r : Record.readAll(new WireReader(chunk.records()), chunk.count())) {
        assertThat(r.offset()).isEqualTo(next++);
        out.add(new String(r.event().payload(), StandardCharsets.UTF_8));
      }
    }
  }

  private static List<String> expected(int from, int to) {
    List<String> out = new ArrayList<>();
    for (int i = from; i < to; i++) {
      out.add("payload-" + i);
    }
    return out;
  }

  @Test
  void assignsDenseOffsetsPerTopicInBatchOrder() throws IOException {
    try (EventStore store = open()) {
      long[] offsets =
          store.append(
              List.of(event("a", 0), event("b", 0), event("a", 1)), List.of("a", "b", "a"));
      assertThat(offsets).containsExactly(0, 0, 1);
      assertThat(store.endOffsets()).isEqualTo(Map.of("a", 2L, "b", 1L));
    }
  }

  @Test
  void batchesSmallerAndLargerThanTheReusedBufferReadBackByteForByte() throws IOException {
    // Sizes around the record buffer's first capacity, its growth, and its cap (above which an
    // append gets a buffer of its own): stale bytes of a bigger earlier batch must never show.
    int[] sizes = {40, 100_000, 30, RecordBuffer.MAX_KEPT_BYTES + 1, 50, 3_000_000, 20};
    List<byte[]> written = new ArrayList<>();
    try (EventStore store = open()) {
      for (int b = 0; b < sizes.length; b++) {
        byte[] payload = new byte[sizes[b]];
        Arrays.fill(payload, (byte) ('a' + b));
        written.add(payload);
        ByteBuffer e =
            ByteBuffer.wrap(
                EventCodec.encode(Event.of("id-" + b, "big", Priority.MEDIUM, payload)));
        store.append(List.of(e, event("big", b)), List.of("big", "big"));
      }
    }
    try (EventStore store = open()) {
      for (int b = 0; b < sizes.length; b++) {
        ReadChunk chunk = store.read("big", 2L * b, 2, sizes[b] + 1_000);
        List<Record> both = Record.readAll(new WireReader(chunk.records()), chunk.count());
        assertThat(both).as("batch %d", b).hasSize(2);
        assertThat(both.get(0).event().payload()).as("batch %d", b).isEqualTo(written.get(b));
        assertThat(new String(both.get(1).event().payload(), StandardCharsets.UTF_8))
            .isEqualTo("payload-" + b);
      }
      assertThat(store.endOffset("big")).isEqualTo(2L * sizes.length);
    }
  }

  @Test
  void readsAcrossManySegmentsAndAfterReopen() throws IOException {
    try (EventStore store = open()) {
      appendN(store, "orders/eu", 0, 500);
      assertThat(segmentFiles("orders/eu")).hasSizeGreaterThan(3);
      assertThat(payloads(store, "orders/eu", 0)).isEqualTo(expected(0, 500));
      assertThat(payloads(store, "orders/eu", 321)).isEqualTo(expected(321, 500));
    }
    try (EventStore store = open()) {
      assertThat(store.endOffset("orders/eu")).isEqualTo(500);
      assertThat(payloads(store, "orders/eu", 0)).isEqualTo(expected(0, 500));
      appendN(store, "orders/eu", 500, 10);
      assertThat(payloads(store, "orders/eu", 495)).isEqualTo(expected(495, 510));
    }
  }

  @Test
  void tornTailIsDroppedOnOpen() throws IOException {
    try (EventStore store = open()) {
      appendN(store, "t", 0, 20);
    }
    Path newest = segmentFiles("t").get(segmentFiles("t").size() - 1);
    long size = Files.size(newest);
    // a half-written record: a plausible header, then the write stopped
    ByteBuffer partial = ByteBuffer.allocate(30);
    partial.putLong(20).putInt(200).put(new byte[18]).flip();
    try (var ch = Files.newByteChannel(newest, StandardOpenOption.APPEND)) {
      ch.write(partial);
    }
    try (EventStore store = open()) {
      assertThat(store.endOffset("t")).isEqualTo(20);
      assertThat(Files.size(newest)).isEqualTo(size);
      assertThat(payloads(store, "t", 0)).isEqualTo(expected(0, 20));
    }
  }

  @Test
  void corruptRecordCutsTheLogThere() throws IOException {
    try (EventStore store = EventStore.open(dir, new StoreConfig(1 << 20, 512, -1, -1))) {
      appendN(store, "t", 0, 10);
    }
    Path log = segmentFiles("t").get(0);
    byte[] bytes = Files.readAllBytes(log);
    int recordSize = bytes.length / 10;
    bytes[recordSize * 6 + 40] ^= 0x10;
    Files.write(log, bytes);
    try (EventStore store = open()) {
      assertThat(store.endOffset("t")).isEqualTo(6);
    }
  }

  @Test
  void aCorruptRecordInASealedSegmentIsLostDataNotAShorterTopic() throws IOException {
    try (EventStore store = open()) {
      appendN(store, "t", 0, 300);
    }
    List<Path> segments = segmentFiles("t");
    assertThat(segments).hasSizeGreaterThan(2);
    Path sealed = segments.get(1);
    byte[] bytes = Files.readAllBytes(sealed);
    bytes[bytes.length / 2] ^= 0x10;
    Files.write(sealed, bytes);

    assertThatThrownBy(this::open)
        .isInstanceOf(StoreDataLostException.class)
        .hasMessageContaining(sealed.getFileName().toString())
        .hasMessageContaining("is corrupt");
    assertThat(Files.readAllBytes(sealed)).as("never cut: that would leave a gap").isEqualTo(bytes);
  }

  @Test
  void theIndexIsRebuiltInMemoryAndOldIndexFilesGo() throws IOException {
    try (EventStore store = open()) {
      appendN(store, "t", 0, 300);
    }
    Path old = segmentFiles("t").get(0).resolveSibling("00000000000000000000.idx");
    Files.write(old, new byte[] {1, 2, 3});
    try (EventStore store = open()) {
      assertThat(payloads(store, "t", 137)).isEqualTo(expected(137, 300));
    }
    assertThat(old).doesNotExist();
  }

  @Test
  void truncateToSnapshotDropsNewerRecordsAndUnknownTopics() throws IOException {
    try (EventStore store = open()) {
      appendN(store, "keep", 0, 300);
      appendN(store, "gone", 0, 5);
      store.truncateTo(Map.of("keep", 120L));
      assertThat(store.topics()).containsExactly("keep");
      assertThat(store.endOffset("keep")).isEqualTo(120);
      appendN(store, "keep", 120, 5);
      assertThat(payloads(store, "keep", 0)).isEqualTo(expected(0, 125));
    }
  }

  @Test
  void truncateRefusesWhenStoreHasLessThanTheSnapshot() throws IOException {
    try (EventStore store = open()) {
      appendN(store, "t", 0, 3);
      assertThatThrownBy(() -> store.truncateTo(Map.of("t", 10L)))
          .isInstanceOf(StoreDataLostException.class)
          .hasMessageContaining("lost data");
    }
  }

  @Test
  void retentionBySizeDeletesOldSealedSegmentsBelowTheSnapshotOnly() throws IOException {
    StoreConfig config = new StoreConfig(4096, 512, -1, 8192);
    try (EventStore store = EventStore.open(dir, config)) {
      appendN(store, "t", 0, 500);
      int before = segmentFiles("t").size();
      assertThat(store.applyRetention(System.currentTimeMillis(), Map.of("t", 0L))).isZero();
      int deleted = store.applyRetention(System.currentTimeMillis(), Map.of("t", 500L));
      assertThat(deleted).isPositive();
      assertThat(segmentFiles("t")).hasSize(before - deleted);
      long start = store.startOffset("t");
      assertThat(start).isPositive();
      assertThatThrownBy(() -> store.read("t", 0, 10, 1000))
          .isInstanceOf(OffsetOutOfRangeException.class);
      assertThat(payloads(store, "t", start)).isEqualTo(expected((int) start, 500));
    }
  }

  @Test
  void retentionByAge() throws IOException {
    StoreConfig config = new StoreConfig(4096, 512, 60_000, -1);
    try (EventStore store = EventStore.open(dir, config)) {
      appendN(store, "t", 0, 100);
      long now = System.currentTimeMillis();
      assertThat(store.applyRetention(now, Map.of("t", 100L))).isZero();
      assertThat(store.applyRetention(now + 120_000, Map.of("t", 100L))).isPositive();
      assertThat(segmentFiles("t")).hasSize(1);
    }
  }

  @Test
  void recordsAppendedSinceATimeAreFoundBySegment() throws Exception {
    try (EventStore store = open()) {
      appendN(store, "t", 0, 100);
      Thread.sleep(5);
      long between = System.currentTimeMillis();
      Thread.sleep(5);
      appendN(store, "t", 100, 10);
      long since = store.firstOffsetAppendedSince("t", between);
      assertThat(since).as("older segments skipped").isPositive().isLessThanOrEqualTo(100);
      assertThat(store.firstOffsetAppendedSince("t", 0)).isZero();
      assertThat(store.firstOffsetAppendedSince("t", System.currentTimeMillis() + 1_000))
          .isEqualTo(110);
      assertThat(store.firstOffsetAppendedSince("unknown", 0)).isZero();
    }
  }

  @Test
  void cuttingBackBelowWhereATopicStartsIsLostData() throws IOException {
    try (EventStore store = open()) {
      appendN(store, "t", 0, 30);
      store.restartTopicAt("t", 500);
      appendN(store, "t", 500, 20);
      assertThatThrownBy(() -> store.truncateTo(Map.of("t", 100L)))
          .isInstanceOf(StoreDataLostException.class)
          .hasMessageContaining("starts at 500")
          .hasMessageContaining("cut back to 100");
    }
  }

  @Test
  void aTopicRestartedAtAnOffsetContinuesFromThereAfterReopen() throws IOException {
    try (EventStore store = open()) {
      appendN(store, "t", 0, 30);
      store.restartTopicAt("t", 500);
      assertThat(store.startOffset("t")).isEqualTo(500);
      assertThat(store.endOffset("t")).isEqualTo(500);
      appendN(store, "t", 500, 20);
    }
    try (EventStore store = open()) {
      assertThat(store.startOffset("t")).isEqualTo(500);
      assertThat(payloads(store, "t", 500)).isEqualTo(expected(500, 520));
      assertThatThrownBy(() -> store.read("t", 10, 1, 100))
          .isInstanceOf(OffsetOutOfRangeException.class);
    }
  }

  @Test
  void firstRecordLargerThanMaxBytesIsStillReturned() throws IOException {
    try (EventStore store = open()) {
      appendN(store, "t", 0, 2);
      ReadChunk chunk = store.read("t", 0, 10, 1);
      assertThat(chunk.count()).isEqualTo(1);
    }
  }

  @Test
  void topicNamesThatAreNotSafeFileNamesRoundTrip() throws IOException {
    try (EventStore store = open()) {
      appendN(store, "..", 0, 1);
      appendN(store, "a/b/../c", 0, 1);
    }
    try (EventStore store = open()) {
      assertThat(store.topics()).containsExactlyInAnyOrder("..", "a/b/../c");
    }
  }

  @Test
  void theLongestTopicNamesTheRuleAllowsAreStoredAndReopened() throws IOException {
    String longest = "x".repeat(253);
    String mostSlashes = "/".repeat(84) + "x";
    try (EventStore store = open()) {
      appendN(store, longest, 0, 3);
      appendN(store, mostSlashes, 0, 3);
    }
    try (EventStore store = open()) {
      assertThat(store.topics()).containsExactlyInAnyOrder(longest, mostSlashes);
      assertThat(payloads(store, mostSlashes, 0)).isEqualTo(expected(0, 3));
    }
  }

  @Test
  void aTopicTheStoreCannotHoldIsRefusedBeforeAnyEventOfTheBatchIsWritten() throws IOException {
    try (EventStore store = open()) {
      List<ByteBuffer> events = List.of(event("a", 0), event("b", 1));
      assertThatThrownBy(() -> store.append(events, List.of("a", "b".repeat(254))))
          .isInstanceOf(UnstorableTopicException.class)
          .hasMessageContaining("at most 253");
      assertThatThrownBy(() -> store.append(events, List.of("a", "/".repeat(85))))
          .isInstanceOf(UnstorableTopicException.class);
      assertThat(store.topics()).isEmpty();
      assertThat(store.append(events, List.of("a", "b"))).containsExactly(0, 0);
    }
  }

  private EventStore open() throws IOException {
    return EventStore.open(dir, SMALL_SEGMENTS);
  }

  private List<Path> segmentFiles(String topic) throws IOException {
    try (Stream<Path> s = Files.list(dir.resolve(EventStore.dirNameOf(topic)))) {
      return s.filter(p -> p.toString().endsWith(".log")).sorted().toList();
    }
  }
}
