package io.eventstreamcore.node.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eventstreamcore.protocol.Event;
import io.eventstreamcore.protocol.EventCodec;
import io.eventstreamcore.protocol.Priority;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventBatchTest {
  private static List<ByteBuffer> events(int n) {
    List<ByteBuffer> events = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      events.add(
          ByteBuffer.wrap(
              EventCodec.encode(Event.of("e" + i, "t" + (i % 3), Priority.LOW, new byte[i]))));
    }
    return events;
  }

  @Test
  void roundTripsHeaderAndEvents() {
    EventBatch batch = new EventBatch(42, 1234, 99, 7, events(64));
    EventBatch back = EventBatch.decode(ByteBuffer.wrap(batch.encode()));
    assertThat(back.batchId()).isEqualTo(42);
    assertThat(back.createdAt()).isEqualTo(1234);
    assertThat(back.recordedThrough()).isEqualTo(99);
    assertThat(back.admittedTerm()).isEqualTo(7);
    assertThat(back.events()).hasSize(64);
    for (int i = 0; i < 64; i++) {
      assertThat(back.events().get(i)).isEqualTo(batch.events().get(i));
      assertThat(EventCodec.topicOf(back.events().get(i))).isEqualTo("t" + (i % 3));
    }
  }

  @Test
  void batchesOfEarlierVersionsStillDecode() {
    byte[] current = new EventBatch(42, 1234, 99, 7, events(3)).encode();
    int recordedThroughAt = 4 + 1 + 8 + 8;
    int admittedTermAt = recordedThroughAt + 8;

    EventBatch version2 = EventBatch.decode(ByteBuffer.wrap(without(current, admittedTermAt, 2)));
    EventBatch version1 =
        EventBatch.decode(ByteBuffer.wrap(without(current, recordedThroughAt, 1)));

    assertThat(version2.recordedThrough()).isEqualTo(99);
    assertThat(version2.admittedTerm()).isEqualTo(Admission.ANY_TERM);
    assertThat(version1.batchId()).isEqualTo(42);
    assertThat(version1.recordedThrough()).isEqualTo(-1);
    assertThat(version1.admittedTerm()).isEqualTo(Admission.ANY_TERM);
    assertThat(version1.events()).hasSize(3).isEqualTo(version2.events());
  }

  /** The batch as an older version wrote it: the header fields from {@code at} on left out. */
  private static byte[] without(byte[] current, int at, int version) {
    int dropped = EventBatch.HEADER_BYTES - 8 - at;
    byte[] older = new byte[current.length - dropped];
    System.arraycopy(current, 0, older, 0, at);
    System.arraycopy(current, at + dropped, older, at, older.length - at);
    older[4] = (byte) version;
    return older;
  }

  @Test
  void anyCorruptionIsDetected() {
    byte[] bytes = new EventBatch(1, 2, 0, 3, events(5)).encode();
    for (int at : new int[] {0, 4, EventBatch.HEADER_BYTES + 3, bytes.length - 1}) {
      byte[] copy = bytes.clone();
      copy[at] ^= 0x40;
      assertThatThrownBy(() -> EventBatch.decode(ByteBuffer.wrap(copy)))
          .isInstanceOf(EventBatch.CorruptBatchException.class);
    }
  }

  @Test
  void applyResultCarriesOffsetsOrTheRejection() {
    long[] offsets = {0, 7, 3};
    assertThat(AppendResult.decode(ByteBuffer.wrap(AppendResult.encode(offsets))))
        .containsExactly(0, 7, 3);
    assertThatThrownBy(
            () -> AppendResult.decode(ByteBuffer.wrap(AppendResult.corrupt("bad magic"))))
        .hasMessage("bad magic");
    assertThatThrownBy(
            () ->
                AppendResult.decode(
                    ByteBuffer.wrap(AppendResult.admittedInAnotherTerm("term 3, not 5"))))
        .isInstanceOf(AppendResult.AdmittedInAnotherTerm.class)
        .hasMessage("term 3, not 5");
  }
}
