package io.eventstreamcore.node.dedup;

import io.eventstreamcore.protocol.EventCodec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * An event's identity for dedup: its topic and its id. The same id on another topic is another
 * event (docs/operations.md).
 */
final class DedupKey {
  private DedupKey() {}

  static String of(ByteBuffer event) {
    return of(EventCodec.topicOf(event), event);
  }

  /** For callers that decoded the topic already. */
  static String of(String topic, ByteBuffer event) {
    // ISO-8859-1 maps every id byte to one char, so distinct ids stay distinct keys.
    return topic + '\0' + new String(EventCodec.idOf(event), StandardCharsets.ISO_8859_1);
  }
}
