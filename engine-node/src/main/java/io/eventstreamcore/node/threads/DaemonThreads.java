package io.eventstreamcore.node.threads;

import java.util.concurrent.ThreadFactory;

/** The node's background threads: named for thread dumps, daemons so a stopping JVM never waits. */
public final class DaemonThreads {
  private DaemonThreads() {}

  public static ThreadFactory named(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }
}
