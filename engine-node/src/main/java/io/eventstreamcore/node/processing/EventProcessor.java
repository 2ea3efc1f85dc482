package io.eventstreamcore.node.processing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import io.eventstreamcore.protocol.Event;

/**
 * Code that runs inside the engine on committed events. The leader calls it with each subscribed
 * topic's events in offset order, from one thread; its positions and {@link #checkpointState} are
 * checkpointed together through the Raft log, so a new leader resumes from the last checkpoint (at
 * least once: events after it are processed again).
 */
public interface EventProcessor {
  /** Stable across restarts: the checkpoint is kept under it. */
  String name();

  /** Whether this processor wants {@code topic}'s events. */
  boolean subscribes(String topic);

  /**
   * Handles one committed event. A throw is retried with backoff and, after the last attempt, the
   * event goes to the dead-letter queue; the topic's later events wait meanwhile, other topics not.
   */
  void process(String topic, long offset, Event event) throws Exception;

  /** Called between events and while idle, at least every few hundred milliseconds. */
  default void tick(long nowMillis) {}

  /** State that must survive a failover, consistent with the positions processed so far. */
  default JsonNode checkpointState() {
    return NullNode.getInstance();
  }

  /** Called on a new leader before any event, with the state of the last checkpoint (or null). */
  default void restore(JsonNode state) {}
}
