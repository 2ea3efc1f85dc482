package io.eventstreamcore.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

class FrameCodecTest {

  private static Frame roundTrip(byte[] frame) {
    ByteBuffer b = ByteBuffer.wrap(frame);
    int length = FrameCodec.checkLength(b.getInt() & 0xFFFFFFFFL, FrameCodec.DEFAULT_MAX_FRAME);
    assertThat(length).isEqualTo(frame.length - 4);
    return FrameCodec.decode(b.slice());
  }

  @Test
  void framesCarryTypeRequestIdAndBody() {
    FetchRequest fetch = new FetchRequest("orders", 17, 100, 1 << 20, 250);
    Frame f = roundTrip(FrameCodec.encode(FrameType.FETCH, 99, fetch::write));
    assertThat(f.type()).isEqualTo(FrameType.FETCH);
    assertThat(f.requestId()).isEqualTo(99);
    assertThat(FetchRequest.read(f.reader())).isEqualTo(fetch);
  }

  @Test
  void replyMessagesRoundTrip() {
    ProduceAck ack =
        new ProduceAck(new ErrorCode[] {ErrorCode.OK, ErrorCode.INVALID_TOPIC}, new long[] {5, -1});
    ProduceAck back =
        ProduceAck.read(
            roundTrip(FrameCodec.encode(FrameType.PRODUCE_ACK, 1, ack::write)).reader());
    assertThat(back.codes()).containsExactly(ErrorCode.OK, ErrorCode.INVALID_TOPIC);
    assertThat(back.offsets()).containsExactly(5, -1);

    MetadataResult md =
        new MetadataResult(
            "n1",
            NodeRole.LEADER,
            "n1",
            3,
            42,
            List.of(new MetadataResult.Member("n1", "127.0.0.1:7070", "http://127.0.0.1:8080")));
    assertThat(
            MetadataResult.read(
                roundTrip(FrameCodec.encode(FrameType.METADATA_RESULT, 2, md::write)).reader()))
        .isEqualTo(md);

    ErrorReply err = new ErrorReply(ErrorCode.NOT_LEADER, "ask n2", "127.0.0.2:7070");
    assertThat(
            ErrorReply.read(roundTrip(FrameCodec.encode(FrameType.ERROR, 3, err::write)).reader()))
        .isEqualTo(err);

    SubscribeRequest sub = new SubscribeRequest(true, "orders/", SubscribeRequest.FROM_START, 500);
    assertThat(
            SubscribeRequest.read(
                roundTrip(FrameCodec.encode(FrameType.SUBSCRIBE, 4, sub::write)).reader()))
        .isEqualTo(sub);
  }

  @Test
  void corruptedFrameIsReportedWithItsRequestId() {
    byte[] frame = FrameCodec.encode(FrameType.METADATA, 1234, w -> w.str8("x"));
    frame[frame.length - 1] ^= 1;
    assertThatThrownBy(() -> roundTrip(frame))
        .isInstanceOfSatisfying(
            FrameCodec.FrameCrcException.class,
            e -> {
              assertThat(e.requestId()).isEqualTo(1234);
              assertThat(e.code()).isEqualTo(ErrorCode.FRAME_CRC_MISMATCH);
            });
  }

  @Test
  void unframeableLengthsAreRefused() {
    assertThatThrownBy(() -> FrameCodec.checkLength(8, 100))
        .extracting(e -> ((ProtocolException) e).code())
        .isEqualTo(ErrorCode.FRAME_TOO_LARGE);
    assertThatThrownBy(() -> FrameCodec.checkLength(101, 100))
        .extracting(e -> ((ProtocolException) e).code())
        .isEqualTo(ErrorCode.FRAME_TOO_LARGE);
    assertThat(FrameCodec.checkLength(100, 100)).isEqualTo(100);
  }

  @Test
  void unknownTypeDecodesWithNullType() {
    byte[] frame = FrameCodec.encode(FrameType.METADATA, 7, w -> {});
    frame[8] = 0x42;
    CrcUtil.reseal(frame);
    Frame f = roundTrip(frame);
    assertThat(f.type()).isNull();
    assertThat(f.typeCode()).isEqualTo(0x42);
  }

  @Test
  void readingPastTheBodyIsMalformedNotACrash() {
    Frame f = roundTrip(FrameCodec.encode(FrameType.FETCH, 1, w -> w.str8("orders")));
    assertThatThrownBy(() -> FetchRequest.read(f.reader()))
        .extracting(e -> ((ProtocolException) e).code())
        .isEqualTo(ErrorCode.MALFORMED_FRAME);
  }
}
