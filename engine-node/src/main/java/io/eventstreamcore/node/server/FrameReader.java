package io.eventstreamcore.node.server;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;

/**
 * Cuts a client's byte stream into frames, a 4-byte length and then that many bytes, reading each
 * frame into one array of exactly its length.
 *
 * <p>Why not Vert.x's {@code RecordParser}: it appends what arrives to one buffer that grows by
 * doubling, then copies each record out of it. A produce frame of 256 events of 1 KiB (about 270
 * KB) grew that buffer to 512 KB, an object G1 allocates as humongous, outside the young
 * generation: 440 of them a second on the node a producer wrote to, each a reason for a concurrent
 * cycle (docs/benchmarks.md, "Memory per node").
 *
 * <p>The owner decides when a frame's body is read: after a length it calls {@link #expect} (or
 * nothing, to read no further), and the body's array is allocated only once its first byte is
 * copied, so a paused reader holds no more than the last buffer the socket handed it.
 */
final class FrameReader implements Handler<Buffer> {
  /** What the owner is told, on the socket's context. */
  interface Frames {
    /** A frame's length arrived; answer with {@link #expect} to read its body. */
    void onLength(long length);

    void onFrame(byte[] frame);
  }

  private static final int LENGTH_BYTES = 4;

  private final ReadStream<Buffer> stream;
  private final Frames frames;
  private long length;
  private int lengthRead;

  /** The body's length once expected, -1 while a length is read or the owner has not answered. */
  private int bodyLength = -1;

  private byte[] body;
  private int bodyRead;
  private Buffer pending;
  private int pendingAt;
  private boolean paused;

  FrameReader(ReadStream<Buffer> stream, Frames frames) {
    this.stream = stream;
    this.frames = frames;
  }

  /** Reads a body of {@code n} bytes next: the answer to {@link Frames#onLength}. */
  void expect(int n) {
    bodyLength = n;
    body = null;
    bodyRead = 0;
  }

  /** Stops handing out frames, and the stream's reading, until {@link #resume}. */
  void pause() {
    paused = true;
    stream.pause();
  }

  /** Hands out what is left of the last buffer first, then reads the stream again. */
  void resume() {
    paused = false;
    drain();
    if (!paused) {
      stream.resume();
    }
  }

  @Override
  public void handle(Buffer buffer) {
    pending = buffer;
    pendingAt = 0;
    drain();
  }

  private void drain() {
    while (!paused && pending != null && pendingAt < pending.length()) {
      if (lengthRead < LENGTH_BYTES) {
        readLength();
      } else if (bodyLength < 0) {
        // The owner has not answered the length (it refused the frame): read no further.
        return;
      } else {
        readBody();
      }
    }
    if (pending != null && pendingAt >= pending.length()) {
      pending = null;
    }
  }

  private void readLength() {
    while (lengthRead < LENGTH_BYTES && pendingAt < pending.length()) {
      length = (length << 8) | pending.getUnsignedByte(pendingAt++);
      lengthRead++;
    }
    if (lengthRead == LENGTH_BYTES) {
      bodyLength = -1;
      frames.onLength(length);
      finishIfComplete();
    }
  }

  private void readBody() {
    if (body == null) {
      body = new byte[bodyLength];
    }
    int n = Math.min(bodyLength - bodyRead, pending.length() - pendingAt);
    pending.getBytes(pendingAt, pendingAt + n, body, bodyRead);
    pendingAt += n;
    bodyRead += n;
    finishIfComplete();
  }

  private void finishIfComplete() {
    if (bodyLength >= 0 && bodyRead == bodyLength) {
      byte[] frame = body == null ? new byte[0] : body;
      body = null;
      bodyRead = 0;
      bodyLength = -1;
      length = 0;
      lengthRead = 0;
      frames.onFrame(frame);
    }
  }
}
