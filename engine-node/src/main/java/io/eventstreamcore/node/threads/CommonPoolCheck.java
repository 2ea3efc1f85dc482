package io.eventstreamcore.node.threads;

import java.util.concurrent.ForkJoinPool;
import org.jboss.logging.Logger;

/**
 * Says so at start when CompletableFuture's default executor would start a thread per task: the JDK
 * does that when the common pool has a parallelism of one, which is its default on one or two
 * cores. Ratis chains every append a follower receives through that executor, so such a node starts
 * a thread for each (ADR 0027). The node's launchers set the parallelism; a JVM started some other
 * way may not.
 */
public final class CommonPoolCheck {
  private static final Logger LOG = Logger.getLogger(CommonPoolCheck.class);

  static final String FLAG = "-Djava.util.concurrent.ForkJoinPool.common.parallelism=2";

  private CommonPoolCheck() {}

  /** True when the default async executor is the common pool, not a thread per task. */
  private static boolean pooled() {
    return ForkJoinPool.getCommonPoolParallelism() > 1;
  }

  public static void warnIfThreadPerTask() {
    if (!pooled()) {
      LOG.warnf(
          "the JVM's common pool has a parallelism of %d, so Ratis starts a thread for every append"
              + " this node receives as a follower; start the JVM with %s",
          ForkJoinPool.getCommonPoolParallelism(), FLAG);
    }
  }
}
