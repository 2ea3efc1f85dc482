package io.eventstreamcore.protocol;

import java.nio.ByteBuffer;

/**
 * One decoded frame. {@code type} is null when the type byte is unknown; {@code typeCode} keeps the
 * raw byte for the error message.
 */
public record Frame(FrameType type, int typeCode, int requestId, ByteBuffer body) {

  public WireReader reader() {
    return new WireReader(body.duplicate());
  }
}
