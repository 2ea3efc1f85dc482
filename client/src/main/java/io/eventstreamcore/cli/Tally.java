package io.eventstreamcore.cli;

import io.eventstreamcore.protocol.Priority;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.zip.DataFormatException;
import org.HdrHistogram.Histogram;

/** What one priority class saw in one phase of {@code esc priority-bench}. */
record Tally(
    Priority priority, Histogram latency, long sent, long acked, long overloaded, long failed) {
  private static final String PREFIX = "tally ";

  /** One line, so that another process can hand its tally over on standard output. */
  String encode() {
    ByteBuffer buf = ByteBuffer.allocate(latency.getNeededByteBufferCapacity());
    latency.encodeIntoCompressedByteBuffer(buf);
    byte[] bytes = new byte[buf.position()];
    buf.flip().get(bytes);
    return PREFIX
        + String.join(
            " ",
            priority.name(),
            Long.toString(sent),
            Long.toString(acked),
            Long.toString(overloaded),
            Long.toString(failed),
            Base64.getEncoder().encodeToString(bytes));
  }

  static boolean isTally(String line) {
    return line.startsWith(PREFIX);
  }

  static Tally decode(String line) {
    String[] f = line.substring(PREFIX.length()).split(" ");
    if (f.length != 6) {
      throw new IllegalArgumentException("not a tally: " + line);
    }
    try {
      return new Tally(
          Priority.valueOf(f[0]),
          Histogram.decodeFromCompressedByteBuffer(
              ByteBuffer.wrap(Base64.getDecoder().decode(f[5])), 0),
          Long.parseLong(f[1]),
          Long.parseLong(f[2]),
          Long.parseLong(f[3]),
          Long.parseLong(f[4]));
    } catch (DataFormatException e) {
      throw new IllegalArgumentException("not a latency histogram: " + f[5], e);
    }
  }
}
