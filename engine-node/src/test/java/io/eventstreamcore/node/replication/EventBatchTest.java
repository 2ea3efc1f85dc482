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
    EventBatch batch = new EventBatch(42, 1234, events(64));
    EventBatch back = EventBatch.decode(ByteBuffer.wrap(batch.encode()));
    assertThat(back.batchId()).isEqualTo(42);
    assertThat(back.createdAt()).isEqualTo(1234);
    assertThat(back.events()).hasSize(64);
    for (int i = 0; i < 64; i++) {
      assertThat(back.events().get(i)).isEqualTo(batch.events().get(i));
      assertThat(EventCodec.topicOf(back.events().get(i))).isEqualTo("t" + (i % 3));
    }
  }

  @Test
  void anyCorruptionIsDetected() {
    byte[] bytes = new EventBatch(1, 2, events(5)).encode();
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
