package io.eventstreamcore.protocol;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Appends big-endian protocol fields to a growable buffer. */
public final class WireWriter {
  private byte[] buf;
  private int pos;

  public WireWriter(int initialCapacity) {
    buf = new byte[Math.max(16, initialCapacity)];
  }

  private void ensure(int more) {
    if (pos + more > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + more));
    }
  }

  public WireWriter u8(int v) {
    ensure(1);
    buf[pos++] = (byte) v;
    return this;
  }

  public WireWriter u16(int v) {
    ensure(2);
    buf[pos++] = (byte) (v >>> 8);
    buf[pos++] = (byte) v;
    return this;
  }

  public WireWriter u32(long v) {
    return i32((int) v);
  }

  public WireWriter i32(int v) {
    ensure(4);
    buf[pos++] = (byte) (v >>> 24);
    buf[pos++] = (byte) (v >>> 16);
    buf[pos++] = (byte) (v >>> 8);
    buf[pos++] = (byte) v;
    return this;
  }

  public WireWriter i64(long v) {
    i32((int) (v >>> 32));
    return i32((int) v);
  }

  public WireWriter raw(byte[] b) {
    return raw(b, 0, b.length);
  }

  public WireWriter raw(byte[] b, int off, int len) {
    ensure(len);
    System.arraycopy(b, off, buf, pos, len);
    pos += len;
    return this;
  }

  public WireWriter raw(ByteBuffer b) {
    int len = b.remaining();
    ensure(len);
    b.duplicate().get(buf, pos, len);
    pos += len;
    return this;
  }

  public WireWriter str8(String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    if (b.length > 0xFF) {
      throw new IllegalArgumentException("string longer than 255 bytes");
    }
    return u8(b.length).raw(b);
  }

  public WireWriter str16(String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    if (b.length > 0xFFFF) {
      throw new IllegalArgumentException("string longer than 65535 bytes");
    }
    return u16(b.length).raw(b);
  }

  public WireWriter bytes32(byte[] b) {
    return i32(b.length).raw(b);
  }

  /** Overwrites 4 bytes already written, for length and CRC fields known only at the end. */
  public void putI32At(int at, int v) {
    buf[at] = (byte) (v >>> 24);
    buf[at + 1] = (byte) (v >>> 16);
    buf[at + 2] = (byte) (v >>> 8);
    buf[at + 3] = (byte) v;
  }

  public int position() {
    return pos;
  }

  public byte[] array() {
    return buf;
  }

  public byte[] toByteArray() {
    return Arrays.copyOf(buf, pos);
  }

  public ByteBuffer toByteBuffer() {
    return ByteBuffer.wrap(buf, 0, pos);
  }
}
