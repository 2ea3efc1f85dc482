package io.eventstreamcore.node.server;

import io.eventstreamcore.node.security.Principal;
import io.eventstreamcore.protocol.ErrorCode;
import io.eventstreamcore.protocol.EventCodec;
import io.eventstreamcore.protocol.ProtocolException;
import io.eventstreamcore.protocol.SubscribeRequest;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * Whether a connection's user may make a request: a whole PRODUCE is refused when any of its events
 * is for a topic the user may not write, before anything of it is queued. An event whose topic
 * cannot be read is left to ingest, which refuses it alone.
 */
final class RequestAccess {
  private RequestAccess() {}

  static void produce(Principal who, List<ByteBuffer> events) {
    if (who.rights().producesAnywhere()) {
      return;
    }
    String allowed = null;
    for (ByteBuffer e : events) {
      String topic;
      try {
        topic = EventCodec.topicOf(e);
      } catch (ProtocolException | IndexOutOfBoundsException malformed) {
        // Not validated yet, and too short to name a topic: ingest refuses it with its own
        // code, as for any other client.
        continue;
      }
      // Requests usually carry one topic: look at each new one once.
      if (!topic.equals(allowed)) {
        if (!who.rights().mayProduce(topic)) {
          throw refused(who, "produce to topic '" + topic + "'");
        }
        allowed = topic;
      }
    }
  }

  static void consume(Principal who, String topic) {
    if (!who.rights().mayConsume(topic)) {
      throw refused(who, "consume topic '" + topic + "'");
    }
  }

  static void subscribe(Principal who, SubscribeRequest req) {
    boolean allowed =
        req.prefix()
            ? who.rights().mayConsumePrefix(req.topic())
            : who.rights().mayConsume(req.topic());
    if (!allowed) {
      throw refused(
          who,
          "subscribe to "
              + (req.prefix() ? "topics starting with '" : "topic '")
              + req.topic()
              + "'");
    }
  }

  private static ProtocolException refused(Principal who, String what) {
    return new ProtocolException(
        ErrorCode.NOT_AUTHORIZED, "user '" + who.name() + "' may not " + what);
  }
}
