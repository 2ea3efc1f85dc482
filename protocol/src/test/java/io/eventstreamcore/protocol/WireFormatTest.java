package io.eventstreamcore.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

/**
 * Byte sequences written by hand from docs/protocol.md, not produced by the codec: a change of the
 * format that the node and the client would both make alike (and so every round-trip test would
 * miss) breaks a client of another language, and fails here. If one of these fails, the format
 * changed: update docs/protocol.md and the protocol version, not only this test.
 */
class WireFormatTest {
  private static final HexFormat HEX = HexFormat.of();

  /** {@code u32 length, u32 crc32c} in front of {@code rest}, as events and frames both start. */
  private static byte[] withLengthAndCrc(String restHex) {
    byte[] rest = HEX.parseHex(restHex.replace(" ", ""));
    CRC32C crc = new CRC32C();
    crc.update(rest);
    return ByteBuffer.allocate(8 + rest.length)
        .putInt(4 + rest.length)
        .putInt((int) crc.getValue())
        .put(rest)
        .array();
  }

  @Test
  void anEventIsEncodedExactlyAsDocumented() {
    Event event =
        new Event(
            "e1".getBytes(StandardCharsets.UTF_8),
            "t/a",
            Priority.HIGH,
            1_700_000_000_000L,
            List.of(new Header("k", new byte[] {'v'})),
            "hi".getBytes(StandardCharsets.UTF_8));

    byte[] expected =
        withLengthAndCrc(
            "01" // format 1
                + " 01" // priority HIGH
                + " 0000018bcfe56800" // timestamp 1,700,000,000,000 ms
                + " 02 6531" // id-length 2, "e1"
                + " 03 742f61" // topic-length 3, "t/a"
                + " 0001" // header-count 1
                + " 0001 6b 00000001 76" // str16 "k", bytes32 "v"
                + " 00000002 6869"); // payload-length 2, "hi"

    assertThat(HEX.formatHex(EventCodec.encode(event))).isEqualTo(HEX.formatHex(expected));
    assertThat(EventCodec.decode(ByteBuffer.wrap(expected)).topic()).isEqualTo("t/a");
  }

  @Test
  void aHelloFrameIsEncodedExactlyAsDocumented() {
    byte[] frame = FrameCodec.encode(FrameType.HELLO, 7, Hello.anonymous("cli")::write);

    byte[] expected =
        withLengthAndCrc(
            "01" // type HELLO
                + " 00000007" // request-id 7
                + " 0001" // protocol-version 1
                + " 0003 636c69" // str16 client-id "cli"
                + " 0004 6e6f6e65" // str16 auth-mechanism "none"
                + " 00000000"); // bytes32 auth-data, empty

    assertThat(HEX.formatHex(frame)).isEqualTo(HEX.formatHex(expected));
  }

  @Test
  void aFetchFrameIsEncodedExactlyAsDocumented() {
    byte[] frame =
        FrameCodec.encode(FrameType.FETCH, 258, new FetchRequest("ab", 5, 100, 65_536, 250)::write);

    byte[] expected =
        withLengthAndCrc(
            "03" // type FETCH
                + " 00000102" // request-id 258
                + " 02 6162" // str8 topic "ab"
                + " 0000000000000005" // i64 from-offset 5
                + " 00000064" // u32 max-events 100
                + " 00010000" // u32 max-bytes 65,536
                + " 000000fa"); // u32 wait-ms 250

    assertThat(HEX.formatHex(frame)).isEqualTo(HEX.formatHex(expected));
  }

  @Test
  void aProduceAckAndAnErrorAreReadAsDocumented() {
    Frame ack =
        FrameCodec.decode(
            ByteBuffer.wrap(
                    withLengthAndCrc(
                        "82 00000009" // PRODUCE_ACK, request-id 9
                            + " 00000002" // count 2
                            + " 0000 000000000000002a" // OK at offset 42
                            + " 0012 00000000000001f4")) // OVERLOADED, retry after 500 ms
                .position(4));
    assertThat(ack.type()).isEqualTo(FrameType.PRODUCE_ACK);
    assertThat(ack.requestId()).isEqualTo(9);
    ProduceAck read = ProduceAck.read(ack.reader());
    assertThat(read.codes()).containsExactly(ErrorCode.OK, ErrorCode.OVERLOADED);
    assertThat(read.offsets()).containsExactly(42, 500);

    Frame error =
        FrameCodec.decode(
            ByteBuffer.wrap(
                    withLengthAndCrc(
                        "ff 00000003" // ERROR, request-id 3
                            + " 000b" // NOT_LEADER
                            + " 0002 6e6f" // message "no"
                            + " 000e 3132372e302e302e313a37303731")) // "127.0.0.1:7071"
                .position(4));
    assertThat(error.type()).isEqualTo(FrameType.ERROR);
    assertThat(ErrorReply.read(error.reader()))
        .isEqualTo(new ErrorReply(ErrorCode.NOT_LEADER, "no", "127.0.0.1:7071"));
  }

  @Test
  void aSubscribeFrameIsEncodedExactlyAsDocumented() {
    byte[] frame =
        FrameCodec.encode(
            FrameType.SUBSCRIBE,
            1,
            new SubscribeRequest(true, "o/", SubscribeRequest.FROM_START, 16)::write);

    byte[] expected =
        withLengthAndCrc(
            "04 00000001" // SUBSCRIBE, request-id 1
                + " 01" // match: topic prefix
                + " 02 6f2f" // str8 "o/"
                + " fffffffffffffffe" // i64 from-offset -2: from the start
                + " 00000010"); // u32 credits 16

    assertThat(HEX.formatHex(frame)).isEqualTo(HEX.formatHex(expected));
  }
}
