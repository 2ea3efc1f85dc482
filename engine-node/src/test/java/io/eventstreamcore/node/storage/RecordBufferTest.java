package io.eventstreamcore.node.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class RecordBufferTest {
  private final RecordBuffer buffers = new RecordBuffer();

  @Test
  void appendsShareOneDirectBufferThatStartsEmptyEachTime() {
    ByteBuffer first = buffers.take(100);
    first.putLong(7).putLong(8);
    ByteBuffer second = buffers.take(50);
    assertThat(second).isSameAs(first);
    assertThat(second.isDirect()).isTrue();
    assertThat(second.position()).isZero();
    assertThat(second.remaining()).isGreaterThanOrEqualTo(50);
  }

  @Test
  void growsToTheLargestAppendAndKeepsThatSize() {
    ByteBuffer grown = buffers.take(300_000);
    assertThat(grown.isDirect()).isTrue();
    assertThat(grown.remaining()).isGreaterThanOrEqualTo(300_000);
    assertThat(buffers.take(10)).isSameAs(grown);
  }

  @Test
  void anAppendAboveTheCapGetsAHeapBufferOfItsOwn() {
    ByteBuffer kept = buffers.take(10);
    ByteBuffer outsized = buffers.take(RecordBuffer.MAX_KEPT_BYTES + 1);
    assertThat(outsized.isDirect()).isFalse();
    assertThat(outsized.remaining()).isGreaterThanOrEqualTo(RecordBuffer.MAX_KEPT_BYTES + 1);
    assertThat(buffers.take(10)).as("the kept buffer did not grow").isSameAs(kept);
  }

  @Test
  void growthStopsAtTheCap() {
    ByteBuffer atCap = buffers.take(RecordBuffer.MAX_KEPT_BYTES);
    assertThat(atCap.isDirect()).isTrue();
    assertThat(atCap.capacity()).isEqualTo(RecordBuffer.MAX_KEPT_BYTES);
  }
}
