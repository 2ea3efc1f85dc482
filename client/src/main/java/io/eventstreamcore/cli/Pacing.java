package io.eventstreamcore.cli;

import java.util.concurrent.locks.LockSupport;

/** Fixed-rate load: each send waits for its intended time, in short parks so it is not late. */
final class Pacing {
  private Pacing() {}

  static void until(long intendedNanoTime) {
    long wait;
    while ((wait = intendedNanoTime - System.nanoTime()) > 0) {
      LockSupport.parkNanos(Math.min(wait, 200_000));
    }
  }
}
