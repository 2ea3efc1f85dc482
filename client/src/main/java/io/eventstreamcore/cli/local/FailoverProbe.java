package io.eventstreamcore.cli.local;

import io.eventstreamcore.client.Connection;
import io.eventstreamcore.client.Producer;
import io.eventstreamcore.protocol.Event;
import io.eventstreamcore.protocol.MetadataResult;
import io.eventstreamcore.protocol.Priority;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Writes to a local cluster at a steady rate and kills its leader on request, measuring the time
 * from the kill until an event sent after it is acknowledged, i.e. until a new leader committed a
 * write, and when a surviving node first called itself leader, so the two halves of a failover (the
 * election, and the new leader's first write) can be told apart. The producer never retries, so
 * every acknowledgement belongs to exactly one attempt.
 */
public final class FailoverProbe implements AutoCloseable {
  /**
   * One kill: whom, when (wall clock, to find it in the node logs), how long until a surviving node
   * named a new leader in METADATA (polled about every 5 ms), and how long until the first write
   * sent after it was acknowledged.
   */
  public record Kill(String nodeId, Instant at, Duration toNewLeader, Duration toFirstAck) {}

  private final LocalCluster cluster;
  private final String topic;
  private final int eventsPerSecond;
  private final long maxEvents;
  private final Map<String, Long> acknowledged = new ConcurrentHashMap<>();

  /** Sends at or after this instant (nanoTime) count as sent after the kill. */
  private volatile long killedAt = Long.MAX_VALUE;

  /** When the first write sent after the kill was acknowledged (nanoTime), 0 until then. */
  private final AtomicLong firstAckAfterKill = new AtomicLong();

  private final AtomicBoolean stop = new AtomicBoolean();
  private final Thread producing;

  public FailoverProbe(LocalCluster cluster, String topic, int eventsPerSecond, long maxEvents) {
    this.cluster = cluster;
    this.topic = topic;
    this.eventsPerSecond = eventsPerSecond;
    this.maxEvents = maxEvents;
    this.producing = new Thread(this::produce, "failover-probe-producer");
  }

  public void start() {
    producing.start();
  }

  private void produce() {
    Producer.Settings noRetries =
        Producer.Settings.defaults(cluster.clientEndpoints())
            .withBatchSize(64)
            .withMaxInFlight(8)
            .withoutRetries();
    long interval = 1_000_000_000L / eventsPerSecond;
    long start = System.nanoTime();
    try (Producer producer = new Producer(noRetries)) {
      for (long i = 0; i < maxEvents && !stop.get(); i++) {
        long due = start + i * interval;
        long wait = due - System.nanoTime();
        if (wait > 0) {
          LockSupport.parkNanos(wait);
        }
        String id = topic + "-" + i;
        long sentAt = System.nanoTime();
        producer
            .send(Event.of(id, topic, Priority.HIGH, ("event " + i).getBytes()))
            .thenAccept(
                offset -> {
                  acknowledged.put(id, offset);
                  if (sentAt >= killedAt) {
                    firstAckAfterKill.compareAndSet(0, System.nanoTime());
                  }
                });
      }
    }
  }

  /** Event id → acknowledged offset, for every acknowledged event so far. */
  public Map<String, Long> acknowledged() {
    return acknowledged;
  }

  public void awaitAcknowledged(int atLeast, Duration timeout)
      throws InterruptedException, TimeoutException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (acknowledged.size() < atLeast) {
      if (System.nanoTime() > deadline) {
        throw new TimeoutException("acknowledgements stalled at " + acknowledged.size());
      }
      Thread.sleep(10);
    }
  }

  /**
   * Once every follower has caught up (else the kill would meet a quorum that commits only as fast
   * as a lagging follower copies), kill -9 the leader, wait for the first write after it, restart
   * the node and await it.
   */
  public Kill killLeader(Duration timeout)
      throws InterruptedException, TimeoutException, IOException {
    cluster.awaitFollowersCaughtUp(LocalCluster.CAUGHT_UP_LAG, Duration.ofSeconds(90));
    LocalNode leader = cluster.awaitLeader(timeout);
    List<Connection> survivors = new ArrayList<>();
    for (LocalNode n : cluster.nodes()) {
      if (n != leader) {
        survivors.add(Connection.open(n.spec().clientEndpoint()));
      }
    }
    firstAckAfterKill.set(0);
    Instant at = Instant.now();
    long killed = System.nanoTime();
    long newLeaderAt = 0;
    try {
      killedAt = killed;
      leader.kill();
      long deadline = killed + timeout.toNanos();
      while (firstAckAfterKill.get() == 0) {
        if (System.nanoTime() > deadline) {
          throw new TimeoutException("no write acknowledged within " + timeout + " of the kill");
        }
        if (newLeaderAt == 0 && namesANewLeader(survivors, leader.spec().id())) {
          newLeaderAt = System.nanoTime();
        }
        Thread.sleep(5);
      }
    } finally {
      killedAt = Long.MAX_VALUE;
      survivors.forEach(Connection::close);
    }
    long firstAck = firstAckAfterKill.get();
    Duration toFirstAck = Duration.ofNanos(firstAck - killed);
    // Not yet seen when the first write was acknowledged: it was polled late, and led by then.
    Duration toNewLeader =
        Duration.ofNanos((newLeaderAt == 0 ? firstAck : Math.min(newLeaderAt, firstAck)) - killed);
    leader.start();
    leader.awaitReady(Duration.ofSeconds(90));
    return new Kill(leader.spec().id(), at, toNewLeader, toFirstAck);
  }

  /**
   * Whether a survivor names a leader other than the killed one. METADATA on the binary protocol,
   * not the HTTP node API: that one gathers its peers' state and answers late during an election.
   */
  private static boolean namesANewLeader(List<Connection> survivors, String killed) {
    for (Connection c : survivors) {
      try {
        MetadataResult.Member leader = c.metadata(Duration.ofMillis(200)).leader();
        if (leader != null && !leader.nodeId().equals(killed)) {
          return true;
        }
      } catch (Exception e) {
        // Busy or gone: the next poll asks again.
      }
    }
    return false;
  }

  @Override
  public void close() throws InterruptedException {
    stop.set(true);
    producing.join(60_000);
  }
}
