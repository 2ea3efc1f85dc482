package io.eventstreamcore.protocol;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/** Test helper: recomputes a frame's CRC after a test edited it on purpose. */
final class CrcUtil {
  private CrcUtil() {}

  static void reseal(byte[] frame) {
    CRC32C crc = new CRC32C();
    crc.update(frame, 8, frame.length - 8);
    ByteBuffer.wrap(frame).putInt(4, (int) crc.getValue());
  }
}
