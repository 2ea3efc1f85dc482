package io.eventstreamcore.node.storage;

import java.nio.ByteBuffer;

/** Whole records read from a topic, back to back in their wire form. */
public record ReadChunk(ByteBuffer records, int count) {
  static final ReadChunk EMPTY = new ReadChunk(ByteBuffer.allocate(0), 0);
}
