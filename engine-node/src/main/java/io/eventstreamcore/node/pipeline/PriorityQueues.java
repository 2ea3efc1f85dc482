package io.eventstreamcore.node.pipeline;

import io.eventstreamcore.protocol.Priority;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;

/**
 * One bounded queue per priority class in front of the batcher, drained by weighted round robin:
 * while several classes wait, each round takes up to {@code weight} items of a class, most urgent
 * class first. A class that waits therefore always gets at least its weight's share of the batcher
 * (BATCH: 1/31 with the default weights 16, 8, 4, 2, 1) and is never starved.
 *
 * <p>Any number of threads may offer; one thread takes.
 */
public final class PriorityQueues<T> {
  private static final Priority[] CLASSES = Priority.values();

  private final ArrayBlockingQueue<T>[] queues;
  private final int[] weights;
  private final int[] credits;
  private final Semaphore waiting = new Semaphore(0);
  private final int capacityPerClass;

  /**
   * @param weights items per round for each class, most urgent first
   */
  @SuppressWarnings("unchecked")
  public PriorityQueues(int capacityPerClass, int[] weights) {
    if (weights.length != CLASSES.length) {
      throw new IllegalArgumentException(
          "need one weight per priority class, got " + weights.length);
    }
    for (int w : weights) {
      if (w < 1) {
        throw new IllegalArgumentException("weights must be at least 1");
      }
    }
    this.capacityPerClass = capacityPerClass;
    this.weights = weights.clone();
    this.credits = weights.clone();
    this.queues = new ArrayBlockingQueue[CLASSES.length];
    for (int i = 0; i < queues.length; i++) {
      queues[i] = new ArrayBlockingQueue<>(capacityPerClass);
    }
  }

  public void registerMetrics(MeterRegistry meters) {
    for (Priority p : CLASSES) {
      Gauge.builder("esc.pipeline.queue.depth", queues[p.ordinal()], ArrayBlockingQueue::size)
          .tag("priority", p.name())
          .description("Events waiting for a batch, per priority class")
          .register(meters);
    }
  }

  /** False when that class's queue is full. */
  public boolean offer(Priority p, T item) {
    if (!queues[p.ordinal()].offer(item)) {
      return false;
    }
    waiting.release();
    return true;
  }

  /** The next item by weighted round robin, waiting up to {@code timeout}; null if none came. */
  public T poll(long timeout, TimeUnit unit) throws InterruptedException {
    return waiting.tryAcquire(timeout, unit) ? take() : null;
  }

  /** The next item without waiting, or null. */
  public T poll() {
    return waiting.tryAcquire() ? take() : null;
  }

  private T take() {
    while (true) {
      for (int i = 0; i < queues.length; i++) {
        if (credits[i] > 0) {
          T item = queues[i].poll();
          if (item != null) {
            credits[i]--;
            return item;
          }
        }
      }
      // Every waiting class used its share of this round: start the next.
      System.arraycopy(weights, 0, credits, 0, weights.length);
    }
  }

  /** How long the longest-waiting queued item has waited, by its arrival time; 0 when empty. */
  public long oldestWaitNanos(ToLongFunction<? super T> arrivedNanos, long nowNanos) {
    long oldest = 0;
    for (ArrayBlockingQueue<T> q : queues) {
      T head = q.peek();
      if (head != null) {
        oldest = Math.max(oldest, nowNanos - arrivedNanos.applyAsLong(head));
      }
    }
    return oldest;
  }

  public int depth(Priority p) {
    return queues[p.ordinal()].size();
  }

  /** Fill of the fullest class queue, 0 to 1. */
  /** Every class's depth now. */
  public Map<Priority, Integer> depths() {
    Map<Priority, Integer> depths = new EnumMap<>(Priority.class);
    for (Priority p : Priority.values()) {
      depths.put(p, depth(p));
    }
    return depths;
  }

  /** How full class {@code p}'s queue is: its size over the capacity per class. */
  public double fill(Priority p) {
    return (double) queues[p.ordinal()].size() / capacityPerClass;
  }

  /**
   * Takes the items of class {@code p} that {@code which} selects out of its queue, in their order,
   * and hands each to {@code removed}; the others keep their places. Only the taking thread may
   * call this.
   */
  public void removeIf(Priority p, Predicate<? super T> which, Consumer<? super T> removed) {
    List<T> taken = new ArrayList<>();
    queues[p.ordinal()].removeIf(
        item -> {
          if (which.test(item)) {
            taken.add(item);
            return true;
          }
          return false;
        });
    for (T item : taken) {
      waiting.tryAcquire();
      removed.accept(item);
    }
  }

  /** Everything still queued, most urgent class first. */
  public void drainTo(Collection<? super T> into) {
    for (ArrayBlockingQueue<T> q : queues) {
      for (int n = q.drainTo(into); n > 0; n--) {
        waiting.tryAcquire();
      }
    }
  }
}
