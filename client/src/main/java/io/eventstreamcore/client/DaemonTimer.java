package io.eventstreamcore.client;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/** A producer's timers run on daemon threads, so that an unclosed producer never keeps a JVM up. */
final class DaemonTimer {
  private DaemonTimer() {}

  static ScheduledExecutorService named(String name) {
    return Executors.newSingleThreadScheduledExecutor(
        r -> {
          Thread t = new Thread(r, name);
          t.setDaemon(true);
          return t;
        });
  }
}
