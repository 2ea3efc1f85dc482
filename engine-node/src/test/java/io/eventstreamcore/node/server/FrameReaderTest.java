package io.eventstreamcore.node.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FrameReaderTest {
  /** A socket that only records whether it is paused. */
  private static final class Stream implements ReadStream<Buffer> {
    boolean paused;

    @Override
    public ReadStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
      return this;
    }

    @Override
    public ReadStream<Buffer> handler(Handler<Buffer> handler) {
      return this;
    }

    @Override
    public ReadStream<Buffer> pause() {
      paused = true;
      return this;
    }

    @Override
    public ReadStream<Buffer> resume() {
      paused = false;
      return this;
    }

    @Override
    public ReadStream<Buffer> fetch(long amount) {
      return this;
    }

    @Override
    public ReadStream<Buffer> endHandler(Handler<Void> endHandler) {
      return this;
    }
  }

  private final Stream stream = new Stream();
  private final List<Long> lengths = new ArrayList<>();
  private final List<byte[]> frames = new ArrayList<>();
  private boolean pauseAfterLength;
  private boolean refuse;
  private FrameReader reader;

  private FrameReader reader() {
    reader =
        new FrameReader(
            stream,
            new FrameReader.Frames() {
              @Override
              public void onLength(long length) {
                lengths.add(length);
                if (refuse) {
                  return;
                }
                reader.expect((int) length);
                if (pauseAfterLength) {
                  reader.pause();
                }
              }

              @Override
              public void onFrame(byte[] frame) {
                frames.add(frame);
              }
            });
    return reader;
  }

  private static byte[] framed(byte[]... bodies) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] body : bodies) {
      out.writeBytes(ByteBuffer.allocate(4).putInt(body.length).array());
      out.writeBytes(body);
    }
    return out.toByteArray();
  }

  private static byte[] body(Random random, int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b;
  }

  @Test
  void framesSplitAnywhereComeOutWholeAndEachInAnArrayOfItsOwnLength() {
    long seed = Long.getLong("frames.seed", System.nanoTime());
    System.out.println(
        "FrameReaderTest seed " + seed + " (replay with -Dframes.seed=" + seed + ")");
    Random random = new Random(seed);
    List<byte[]> sent = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      sent.add(body(random, random.nextInt(4) == 0 ? random.nextInt(300_000) : random.nextInt(64)));
    }
    byte[] wire = framed(sent.toArray(byte[][]::new));
    FrameReader r = reader();
    for (int at = 0; at < wire.length; ) {
      int n = Math.min(wire.length - at, 1 + random.nextInt(70_000));
      r.handle(Buffer.buffer().appendBytes(wire, at, n));
      at += n;
    }
    assertThat(frames).hasSize(sent.size());
    for (int i = 0; i < sent.size(); i++) {
      assertThat(frames.get(i)).as("frame %d", i).isEqualTo(sent.get(i));
    }
  }

  @Test
  void aPausedReaderHoldsTheRestOfItsBufferAndAllocatesNoBodyUntilResumed() {
    Random random = new Random(1);
    byte[] first = body(random, 1000);
    byte[] second = body(random, 10);
    pauseAfterLength = true;
    FrameReader r = reader();

    r.handle(Buffer.buffer(framed(first, second)));
    assertThat(lengths).containsExactly(1000L);
    assertThat(frames).isEmpty();
    assertThat(stream.paused).isTrue();

    pauseAfterLength = false;
    r.resume();
    assertThat(frames).containsExactly(first, second);
    assertThat(stream.paused).isFalse();
  }

  @Test
  void anEmptyBodyIsAFrameToo() {
    FrameReader r = reader();
    r.handle(Buffer.buffer(framed(new byte[0], new byte[] {7})));
    assertThat(frames).hasSize(2);
    assertThat(frames.get(0)).isEmpty();
    assertThat(frames.get(1)).containsExactly(7);
  }

  @Test
  void aLengthTheOwnerRefusesStopsTheReading() {
    refuse = true;
    FrameReader r = reader();
    r.handle(Buffer.buffer(framed(new byte[] {1, 2}, new byte[] {3})));
    r.handle(Buffer.buffer(framed(new byte[] {4})));
    assertThat(lengths).containsExactly(2L);
    assertThat(frames).isEmpty();
  }

  @Test
  void aLengthIsReadAsAnUnsignedBigEndianInteger() {
    FrameReader r = reader();
    refuse = true;
    r.handle(Buffer.buffer(new byte[] {(byte) 0xff, (byte) 0xff}));
    r.handle(Buffer.buffer(new byte[] {(byte) 0xff, (byte) 0xfe}));
    assertThat(lengths).containsExactly(0xfffffffeL);
  }
}
