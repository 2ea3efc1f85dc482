package io.eventstreamcore.node.server;

import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * The bytes of requests being received, over all connections. A connection reserves a frame's
 * announced length before it reads the frame's body; when that does not fit it stops reading and
 * waits its turn, so many large, unfinished frames cost the node a bounded amount of memory rather
 * than one frame each.
 */
final class ReceiveBudget {
  private final long capacity;
  private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
  private long reserved;

  /** A connection waiting for {@code bytes}; {@code granted} runs once they are its. */
  private record Waiter(long bytes, Runnable granted) {}

  ReceiveBudget(long capacity) {
    this.capacity = capacity;
  }

  /**
   * @return true when the bytes are reserved now; otherwise {@code granted} runs once they are (on
   *     the thread that releases them), unless {@link #cancel} comes first
   */
  synchronized boolean reserve(long bytes, Runnable granted) {
    if (waiters.isEmpty() && reserved + bytes <= capacity) {
      reserved += bytes;
      return true;
    }
    waiters.add(new Waiter(bytes, granted));
    return false;
  }

  void release(long bytes) {
    if (bytes == 0) {
      return;
    }
    Runnable[] granted;
    synchronized (this) {
      reserved -= bytes;
      granted = grantWaiters();
    }
    run(granted);
  }

  /** Gives up a wait that has not been granted (its connection closed). */
  void cancel(Runnable granted) {
    Runnable[] next;
    synchronized (this) {
      waiters.removeIf(w -> w.granted() == granted);
      next = grantWaiters();
    }
    run(next);
  }

  private static void run(Runnable[] granted) {
    for (Runnable r : granted) {
      r.run();
    }
  }

  synchronized long reserved() {
    return reserved;
  }

  /** First come, first served: a large frame is not passed over for ever by small ones. */
  private Runnable[] grantWaiters() {
    int n = 0;
    Runnable[] out = new Runnable[waiters.size()];
    while (!waiters.isEmpty() && reserved + waiters.peek().bytes() <= capacity) {
      Waiter w = waiters.poll();
      reserved += w.bytes();
      out[n++] = w.granted();
    }
    return Arrays.copyOf(out, n);
  }
}
