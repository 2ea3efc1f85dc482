package io.eventstreamcore.node.pipeline;

import io.eventstreamcore.protocol.Priority;
import java.util.function.BiConsumer;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * When the node stops admitting a class, what of that class already waits in its queue is refused
 * too. Otherwise a shed class's backlog would drain at its small share of the batcher for many
 * seconds, be stored long after its producers gave up, and keep the oldest queued wait high enough
 * to push the node further up, shedding classes above it.
 *
 * <p>Runs on the thread that takes from the queues.
 */
public final class QueuedShedding<T> {
  private final PriorityQueues<T> queues;
  private final Supplier<PipelineState> state;
  private final Predicate<? super T> sheddable;
  private final BiConsumer<Priority, ? super T> refuse;
  private PipelineState last = PipelineState.HEALTHY;

  /**
   * @param sheddable which queued items may be refused (not what the node promised to store
   *     whatever its load, such as dead letters and its own events)
   * @param refuse answers one refused item of the given class
   */
  public QueuedShedding(
      PriorityQueues<T> queues,
      Supplier<PipelineState> state,
      Predicate<? super T> sheddable,
      BiConsumer<Priority, ? super T> refuse) {
    this.queues = queues;
    this.state = state;
    this.sheddable = sheddable;
    this.refuse = refuse;
  }

  /**
   * Refuses the waiting items of every class the node admitted when last asked and no longer does.
   */
  public void run() {
    PipelineState now = state.get();
    for (Priority p : Priority.values()) {
      if (last.admits(p) && !now.admits(p)) {
        queues.removeIf(p, sheddable, item -> refuse.accept(p, item));
      }
    }
    last = now;
  }
}
