package io.eventstreamcore.node.storage;

import io.eventstreamcore.protocol.ErrorCode;
import io.eventstreamcore.protocol.ProtocolException;

/** A read below a topic's start (removed by retention) or above its end. */
public class OffsetOutOfRangeException extends ProtocolException {
  public OffsetOutOfRangeException(String topic, long offset, long start, long end) {
    super(
        ErrorCode.OFFSET_OUT_OF_RANGE,
        "offset " + offset + " of topic " + topic + " is outside " + start + ".." + end);
  }
}
