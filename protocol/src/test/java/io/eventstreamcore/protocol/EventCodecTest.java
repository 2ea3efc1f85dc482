package io.eventstreamcore.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class EventCodecTest {
  private static final Random RANDOM = new Random(42);

  private static Event randomEvent() {
    byte[] id = new byte[1 + RANDOM.nextInt(64)];
    RANDOM.nextBytes(id);
    List<Header> headers = new ArrayList<>();
    for (int i = RANDOM.nextInt(3); i > 0; i--) {
      byte[] v = new byte[RANDOM.nextInt(20)];
      RANDOM.nextBytes(v);
      headers.add(new Header("h" + i + "-ü", v));
    }
    byte[] payload = new byte[RANDOM.nextInt(2000)];
    RANDOM.nextBytes(payload);
    String topic = "orders/eu-" + RANDOM.nextInt(10) + ".v_1";
    return new Event(
        id, topic, Priority.fromCode(RANDOM.nextInt(5)), RANDOM.nextLong(), headers, payload);
  }

  @Test
  void roundTripsRandomEvents() {
    for (int i = 0; i < 500; i++) {
      Event e = randomEvent();
      byte[] bytes = EventCodec.encode(e);
      assertThat(bytes).hasSize(EventCodec.encodedSize(e));
      ByteBuffer slice = EventCodec.next(new WireReader(ByteBuffer.wrap(bytes)));
      assertThat(EventCodec.validate(slice, EventCodec.DEFAULT_MAX_PAYLOAD)).isEqualTo(e.topic());
      assertThat(EventCodec.priorityOf(slice)).isEqualTo(e.priority());
      assertThat(EventCodec.idView(slice)).isEqualTo(ByteBuffer.wrap(e.id()));
      assertThat(StandardCharsets.US_ASCII.decode(EventCodec.topicView(slice)).toString())
          .isEqualTo(e.topic());
      Event back = EventCodec.decode(slice);
      assertThat(back.id()).isEqualTo(e.id());
      assertThat(back.topic()).isEqualTo(e.topic());
      assertThat(back.priority()).isEqualTo(e.priority());
      assertThat(back.timestamp()).isEqualTo(e.timestamp());
      assertThat(back.payload()).isEqualTo(e.payload());
      assertThat(back.headers()).hasSameSizeAs(e.headers());
      for (int h = 0; h < e.headers().size(); h++) {
        assertThat(back.headers().get(h).key()).isEqualTo(e.headers().get(h).key());
        assertThat(back.headers().get(h).value()).isEqualTo(e.headers().get(h).value());
      }
    }
  }

  @Test
  void everySingleBitFlipIsDetected() {
    byte[] bytes = EventCodec.encode(Event.of("id-1", "t", Priority.HIGH, "hello".getBytes()));
    for (int i = 8; i < bytes.length; i++) {
      for (int bit = 0; bit < 8; bit++) {
        byte[] copy = bytes.clone();
        copy[i] ^= (byte) (1 << bit);
        assertThatThrownBy(() -> EventCodec.validate(ByteBuffer.wrap(copy), 1 << 20))
            .isInstanceOf(ProtocolException.class)
            .extracting(ex -> ((ProtocolException) ex).code())
            .isEqualTo(ErrorCode.EVENT_CRC_MISMATCH);
      }
    }
  }

  @Test
  void rejectsOversizePayloadWithItsOwnCode() {
    byte[] bytes = EventCodec.encode(Event.of("id", "t", Priority.LOW, new byte[101]));
    assertThatThrownBy(() -> EventCodec.validate(ByteBuffer.wrap(bytes), 100))
        .hasMessageContaining("101 bytes")
        .extracting(ex -> ((ProtocolException) ex).code())
        .isEqualTo(ErrorCode.EVENT_TOO_LARGE);
  }

  @Test
  void encoderRefusesBadIdsAndTopics() {
    assertThatThrownBy(() -> EventCodec.encode(Event.of("", "t", Priority.LOW, new byte[0])))
        .extracting(ex -> ((ProtocolException) ex).code())
        .isEqualTo(ErrorCode.INVALID_EVENT);
    assertThatThrownBy(
            () -> EventCodec.encode(Event.of("x".repeat(65), "t", Priority.LOW, new byte[0])))
        .extracting(ex -> ((ProtocolException) ex).code())
        .isEqualTo(ErrorCode.INVALID_EVENT);
    assertThatThrownBy(() -> EventCodec.encode(Event.of("a", "bad topic", Priority.LOW, null)))
        .extracting(ex -> ((ProtocolException) ex).code())
        .isEqualTo(ErrorCode.INVALID_TOPIC);
  }

  @Test
  void validatorRejectsBadTopicEvenWithCorrectCrc() {
    Event e = Event.of("a", "ok", Priority.LOW, new byte[0]);
    byte[] bytes = EventCodec.encode(e);
    int topicAt = 4 + 4 + 1 + 1 + 8 + 1 + 1 + 1;
    bytes[topicAt] = ' ';
    resealCrc(bytes);
    assertThatThrownBy(() -> EventCodec.validate(ByteBuffer.wrap(bytes), 100))
        .extracting(ex -> ((ProtocolException) ex).code())
        .isEqualTo(ErrorCode.INVALID_TOPIC);
  }

  @Test
  void lengthRunningPastTheDataIsMalformed() {
    byte[] bytes = EventCodec.encode(Event.of("a", "t", Priority.LOW, new byte[10]));
    ByteBuffer truncated = ByteBuffer.wrap(bytes, 0, bytes.length - 1).slice();
    assertThatThrownBy(() -> EventCodec.next(new WireReader(truncated)))
        .extracting(ex -> ((ProtocolException) ex).code())
        .isEqualTo(ErrorCode.MALFORMED_FRAME);
  }

  @Test
  void topicRule() {
    assertThat(Topics.validate("a.b_c/d-e/0")).isEqualTo("a.b_c/d-e/0");
    assertThat(Topics.validate("x".repeat(253))).hasSize(253);
    assertThat(Topics.validate("/".repeat(84) + "x")).hasSize(85);
    for (String bad :
        List.of(
            "",
            "x".repeat(256),
            "x".repeat(254),
            "/".repeat(85),
            "a/".repeat(64) + "b",
            "a b",
            "ä",
            "a:b",
            "a\nb")) {
      assertThatThrownBy(() -> Topics.validate(bad))
          .extracting(ex -> ((ProtocolException) ex).code())
          .isEqualTo(ErrorCode.INVALID_TOPIC);
    }
  }

  static void resealCrc(byte[] event) {
    java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
    crc.update(event, 8, event.length - 8);
    ByteBuffer.wrap(event).putInt(4, (int) crc.getValue());
  }

  @Test
  void idViewHoldsTheUtf8Id() {
    byte[] bytes = EventCodec.encode(Event.of("ключ", "t", Priority.LOW, new byte[0]));
    assertThat(StandardCharsets.UTF_8.decode(EventCodec.idView(ByteBuffer.wrap(bytes))).toString())
        .isEqualTo("ключ");
  }
}
