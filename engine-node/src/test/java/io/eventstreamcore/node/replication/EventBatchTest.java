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
    EventBatch batch = new EventBatch(42, 1234, 99, events(64));
    EventBatch back = EventBatch.decode(ByteBuffer.wrap(batch.encode()));
    assertThat(back.batchId()).isEqualTo(42);
    assertThat(back.createdAt()).isEqualTo(1234);
    assertThat(back.recordedThrough()).isEqualTo(99);
    assertThat(back.events()).hasSize(64);
    for (int i = 0; i < 64; i++) {
      assertThat(back.events().get(i)).isEqualTo(batch.events().get(i));
      assertThat(EventCodec.topicOf(back.events().get(i))).isEqualTo("t" + (i % 3));
    }
  }

  @Test
  void aBatchWrittenBeforeTheRecordedThroughIndexStillDecodes() {
    byte[] current = new EventBatch(42, 1234, 99, events(3)).encode();
    int recordedThroughAt = 4 + 1 + 8 + 8;
    byte[] version1 = new byte[current.length - 8];
    System.arraycopy(current, 0, version1, 0, recordedThroughAt);
    System.arraycopy(
        current, recordedThroughAt + 8, version1, recordedThroughAt, version1.length - 21);
    version1[4] = 1;

    EventBatch back = EventBatch.decode(ByteBuffer.wrap(version1));

    assertThat(back.batchId()).isEqualTo(42);
    assertThat(back.recordedThrough()).isEqualTo(-1);
    assertThat(back.events()).hasSize(3);
  }

  @Test
  void anyCorruptionIsDetected() {
    byte[] bytes = new EventBatch(1, 2, 0, events(5)).encode();
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
    assertThat(
            EventStateMachine.AppendResult.decode(
                ByteBuffer.wrap(EventStateMachine.AppendResult.encode(offsets))))
        .containsExactly(0, 7, 3);
    assertThatThrownBy(
            () ->
                EventStateMachine.AppendResult.decode(
                    ByteBuffer.wrap(EventStateMachine.AppendResult.corrupt("bad magic"))))
        .hasMessage("bad magic");
  }
}
