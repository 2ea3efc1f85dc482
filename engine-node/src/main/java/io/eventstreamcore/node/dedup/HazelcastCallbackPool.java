package io.eventstreamcore.node.dedup;

import com.hazelcast.internal.util.ConcurrencyUtil;
import io.eventstreamcore.node.threads.DaemonThreads;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;

/**
 * The threads that complete this JVM's Hazelcast futures. Hazelcast uses ForkJoinPool's common pool
 * for them, or, where that pool has no parallelism (two cores or fewer, as on a small node), starts
 * a new thread for every completion: every claim and record write of the dedup table completes
 * through it, so under load that was hundreds of thread starts per second per node. A fixed pool
 * serves every member in the JVM; the setter is Hazelcast-internal, so this is its only caller.
 */
final class HazelcastCallbackPool {
  private static final Executor POOL =
      Executors.newFixedThreadPool(
          Math.max(2, Runtime.getRuntime().availableProcessors()),
          DaemonThreads.named("esc-dedup-callback"));

  private HazelcastCallbackPool() {}

  static void install() {
    ConcurrencyUtil.setDefaultAsyncExecutor(POOL);
  }
}
