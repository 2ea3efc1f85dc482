package io.eventstreamcore.e2e;

import io.eventstreamcore.protocol.Event;
import io.eventstreamcore.protocol.EventCodec;
import io.eventstreamcore.protocol.FetchRequest;
import io.eventstreamcore.protocol.FrameCodec;
import io.eventstreamcore.protocol.FrameType;
import io.eventstreamcore.protocol.Priority;
import java.nio.ByteBuffer;
import java.util.Random;
import java.util.zip.CRC32C;

/**
 * Frames for fuzzing a live node: random bodies and valid requests with a few bytes changed, the
 * frame CRC mostly resealed so the change reaches the request parser. The length field and the
 * request id are kept, so every frame gets its own reply and the stream stays framed.
 */
final class FrameMutants {
  private final Random random;

  FrameMutants(long seed) {
    this.random = new Random(seed);
  }

  byte[] next(int requestId, String topic) {
    byte[] frame =
        switch (random.nextInt(5)) {
          case 0 -> randomBody(requestId);
          case 1 ->
              FrameCodec.encode(
                  FrameType.FETCH,
                  requestId,
                  new FetchRequest(topic, random.nextInt(10), 5, 1000, 0)::write);
          case 2 -> FrameCodec.encode(FrameType.METADATA, requestId, w -> {});
          default -> produce(requestId, topic, 1 + random.nextInt(3));
        };
    int flips = 1 + random.nextInt(4);
    for (int i = 0; i < flips; i++) {
      int at = 8 + random.nextInt(frame.length - 8);
      frame[at] = (byte) random.nextInt(256);
    }
    int type = frame[8] & 0xff;
    if (type == FrameType.SUBSCRIBE.code()
        || type == FrameType.CREDIT.code()
        || type == FrameType.HELLO.code()) {
      // Subscriptions answer more than once, a CREDIT not at all, and a HELLO of another version
      // ends the connection: one reply per frame on one connection is what the fuzzing client
      // counts on. Their parsers are fuzzed in ProtocolFuzzTest.
      frame[8] = (byte) FrameType.METADATA.code();
    }
    ByteBuffer.wrap(frame).putInt(9, requestId);
    if (random.nextInt(10) > 0) {
      reseal(frame);
    }
    return frame;
  }

  private byte[] randomBody(int requestId) {
    byte[] body = new byte[random.nextInt(300)];
    random.nextBytes(body);
    byte[] frame = FrameCodec.encode(FrameType.PRODUCE, requestId, w -> w.raw(body));
    frame[8] = (byte) random.nextInt(256);
    return frame;
  }

  private byte[] produce(int requestId, String topic, int n) {
    return FrameCodec.encode(
        FrameType.PRODUCE,
        requestId,
        w -> {
          w.i32(n);
          for (int i = 0; i < n; i++) {
            byte[] payload = new byte[random.nextInt(200)];
            random.nextBytes(payload);
            EventCodec.write(
                Event.of(
                    "fuzz-" + Long.toHexString(random.nextLong()), topic, Priority.LOW, payload),
                w);
          }
        });
  }

  private static void reseal(byte[] frame) {
    CRC32C crc = new CRC32C();
    crc.update(frame, 8, frame.length - 8);
    ByteBuffer.wrap(frame).putInt(4, (int) crc.getValue());
  }
}
