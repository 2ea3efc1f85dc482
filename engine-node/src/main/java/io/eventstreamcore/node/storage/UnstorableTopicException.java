package io.eventstreamcore.node.storage;

import io.eventstreamcore.protocol.ProtocolException;
import io.eventstreamcore.protocol.Topics;

/**
 * A topic this store cannot keep. Ingest refuses such names before they are replicated; this is for
 * log entries written before it did (or by a node that did not): every replica refuses them alike,
 * so the state machine can skip the entry instead of failing on it for ever.
 */
public final class UnstorableTopicException extends RuntimeException {
  private UnstorableTopicException(String message) {
    super(message);
  }

  static void check(String topic) {
    try {
      Topics.validate(topic);
    } catch (ProtocolException e) {
      throw new UnstorableTopicException(e.getMessage());
    }
  }
}
