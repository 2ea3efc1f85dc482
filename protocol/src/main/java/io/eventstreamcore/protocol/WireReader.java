package io.eventstreamcore.protocol;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Reads big-endian protocol fields; running past the end is a MALFORMED_FRAME, never an unchecked
 * buffer exception, so bad input always maps to a typed error.
 */
public final class WireReader {
  private final ByteBuffer buf;

  public WireReader(ByteBuffer buf) {
    this.buf = buf;
  }

  private void need(int n, String what) {
    if (buf.remaining() < n) {
      throw new ProtocolException(
          ErrorCode.MALFORMED_FRAME,
          "truncated: " + what + " needs " + n + " bytes, " + buf.remaining() + " left");
    }
  }

  public int u8(String what) {
    need(1, what);
    return buf.get() & 0xFF;
  }

  public int u16(String what) {
    need(2, what);
    return buf.getShort() & 0xFFFF;
  }

  public long u32(String what) {
    need(4, what);
    return buf.getInt() & 0xFFFFFFFFL;
  }

  /** A u32 used as a count or size; values above Integer.MAX_VALUE are malformed. */
  public int size32(String what) {
    long v = u32(what);
    if (v > Integer.MAX_VALUE) {
      throw new ProtocolException(ErrorCode.MALFORMED_FRAME, what + " " + v + " is too large");
    }
    return (int) v;
  }

  public long i64(String what) {
    need(8, what);
    return buf.getLong();
  }

  public byte[] bytes(int n, String what) {
    need(n, what);
    byte[] b = new byte[n];
    buf.get(b);
    return b;
  }

  public ByteBuffer slice(int n, String what) {
    need(n, what);
    ByteBuffer s = buf.slice(buf.position(), n);
    buf.position(buf.position() + n);
    return s;
  }

  public String str8(String what) {
    return new String(bytes(u8(what), what), StandardCharsets.UTF_8);
  }

  public String str16(String what) {
    return new String(bytes(u16(what), what), StandardCharsets.UTF_8);
  }

  public byte[] bytes32(String what) {
    return bytes(size32(what), what);
  }

  public int remaining() {
    return buf.remaining();
  }

  public ByteBuffer buffer() {
    return buf;
  }

  /** Requests must not carry trailing garbage: a sign of a client speaking another format. */
  public void expectEnd(String what) {
    if (buf.hasRemaining()) {
      throw new ProtocolException(
          ErrorCode.MALFORMED_FRAME, what + " has " + buf.remaining() + " unexpected extra bytes");
    }
  }
}
