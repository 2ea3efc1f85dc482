package io.eventstreamcore.node.dedup;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.instance.impl.HazelcastInstanceProxy;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.IMap;
import com.hazelcast.spi.impl.operationservice.impl.OperationServiceImpl;
import java.io.Serializable;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/**
 * Holds every partition thread of the dedup table's members in this JVM, as a member that is cut
 * off or paused holds the calls to its partitions: a call to the table waits until {@link #close}.
 * Bounded: a partition thread is let go after a minute whatever happens.
 */
final class StuckPartitions implements AutoCloseable {
  private static volatile CountDownLatch released = new CountDownLatch(0);
  private static final Set<String> holding = ConcurrentHashMap.newKeySet();

  /** Runs on the bucket's partition thread and keeps it until the test lets go. */
  private static final class Hold implements EntryProcessor<Integer, IdBucket, Void>, Serializable {
    @Override
    public Void process(Map.Entry<Integer, IdBucket> entry) {
      holding.add(Thread.currentThread().getName());
      try {
        released.await(1, TimeUnit.MINUTES);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return null;
    }
  }

  private StuckPartitions() {}

  /** Returns once every partition thread is held: calls to any bucket then queue behind it. */
  static StuckPartitions hold() {
    released = new CountDownLatch(1);
    holding.clear();
    int threads = 0;
    for (HazelcastInstance member : Hazelcast.getAllHazelcastInstances()) {
      IMap<Integer, IdBucket> map = member.getMap(DedupTable.MAP);
      for (int bucket = 0; bucket < DedupKey.BUCKETS; bucket++) {
        map.submitToKey(bucket, new Hold());
      }
      threads += Math.min(member.getPartitionService().getPartitions().size(), threadsOf(member));
    }
    int expected = threads;
    Awaitility.await("every partition thread held")
        .atMost(Duration.ofSeconds(10))
        .until(() -> holding.size() >= expected);
    return new StuckPartitions();
  }

  private static int threadsOf(HazelcastInstance member) {
    return ((OperationServiceImpl)
            ((HazelcastInstanceProxy) member)
                .getOriginal()
                .node
                .getNodeEngine()
                .getOperationService())
        .getPartitionThreadCount();
  }

  @Override
  public void close() {
    released.countDown();
  }
}
