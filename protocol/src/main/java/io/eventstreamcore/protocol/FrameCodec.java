package io.eventstreamcore.protocol;

import java.nio.ByteBuffer;
import java.util.function.Consumer;
import java.util.zip.CRC32C;

/** Frame layout: u32 length | u32 crc32c | u8 type | u32 request-id | body. */
public final class FrameCodec {
  public static final int PROTOCOL_VERSION = 1;

  /** Bytes after the length field when the body is empty. */
  public static final int MIN_LENGTH = 9;

  public static final int DEFAULT_MAX_FRAME = 8 << 20;

  private FrameCodec() {}

  /** Encodes a whole frame, length field included. */
  public static byte[] encode(FrameType type, int requestId, Consumer<WireWriter> body) {
    WireWriter w = new WireWriter(64);
    w.i32(0).i32(0).u8(type.code()).i32(requestId);
    body.accept(w);
    int end = w.position();
    w.putI32At(0, end - 4);
    CRC32C crc = new CRC32C();
    crc.update(w.array(), 8, end - 8);
    w.putI32At(4, (int) crc.getValue());
    return w.toByteArray();
  }

  /**
   * Checks a frame's length field before its bytes are awaited.
   *
   * @throws ProtocolException FRAME_TOO_LARGE when the stream cannot be framed any more
   */
  public static int checkLength(long length, int maxFrame) {
    if (length < MIN_LENGTH || length > maxFrame) {
      throw new ProtocolException(
          ErrorCode.FRAME_TOO_LARGE,
          "frame length " + length + " outside " + MIN_LENGTH + ".." + maxFrame);
    }
    return (int) length;
  }

  /**
   * Decodes the bytes that follow a length field.
   *
   * @throws FrameCrcException when the CRC does not match; it still names the request id read
   */
  public static Frame decode(ByteBuffer afterLength) {
    ByteBuffer b = afterLength.duplicate();
    int expected = b.getInt();
    CRC32C crc = new CRC32C();
    crc.update(b.duplicate());
    int typeCode = b.get() & 0xFF;
    int requestId = b.getInt();
    if ((int) crc.getValue() != expected) {
      throw new FrameCrcException(requestId);
    }
    return new Frame(FrameType.fromCode(typeCode), typeCode, requestId, b.slice());
  }

  /** A frame with a wrong CRC: the connection is still framed, so it gets a reply. */
  public static final class FrameCrcException extends ProtocolException {
    private final int requestId;

    FrameCrcException(int requestId) {
      super(ErrorCode.FRAME_CRC_MISMATCH, "frame CRC32C does not match");
      this.requestId = requestId;
    }

    public int requestId() {
      return requestId;
    }
  }
}
