package io.eventstreamcore.node.storage;

import java.nio.ByteBuffer;

/**
 * The buffer a store append lays its records out in before they are written. It is direct, so the
 * write hands it to the kernel as it is (the JDK first copies a heap buffer into a direct one of
 * its own), and it is reused, so an append does not allocate its size again: with 1 KiB events an
 * entry's records are about half a megabyte, large enough for G1 to place outside the young
 * generation. An append larger than {@link #MAX_KEPT_BYTES} gets a heap buffer of its own, so that
 * one outsized batch does not keep its size in direct memory for the life of the node.
 *
 * <p>Not thread-safe: the store has one writer at a time (the state machine's writer lock).
 */
final class RecordBuffer {
  static final int MAX_KEPT_BYTES = 4 << 20;
  private static final int FIRST_BYTES = 64 << 10;

  private ByteBuffer kept = ByteBuffer.allocateDirect(FIRST_BYTES);

  /** An empty buffer with room for {@code bytes}, valid until the next call. */
  ByteBuffer take(int bytes) {
    if (bytes > MAX_KEPT_BYTES) {
      return ByteBuffer.allocate(bytes);
    }
    if (kept.capacity() < bytes) {
      kept =
          ByteBuffer.allocateDirect(Math.min(MAX_KEPT_BYTES, Math.max(bytes, 2 * kept.capacity())));
    }
    return kept.clear();
  }
}
