package io.eventstreamcore.cli.local;

import io.eventstreamcore.client.Producer;
import io.eventstreamcore.protocol.Event;
import io.eventstreamcore.protocol.Priority;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Writes to a local cluster at a steady rate and kills its leader on request, measuring the time
 * from the kill until an event sent after it is acknowledged, i.e. until a new leader committed a
 * write. The producer never retries, so every acknowledgement belongs to exactly one attempt.
 */
public final class FailoverProbe implements AutoCloseable {
  /** One kill: whom, and how long until the first write after it was acknowledged. */
  public record Kill(String nodeId, Duration toFirstAck) {}

  private final LocalCluster cluster;
  private final String topic;
  private final int eventsPerSecond;
  private final long maxEvents;
  private final Map<String, Long> acknowledged = new ConcurrentHashMap<>();
  private final AtomicLong newestAckedSend = new AtomicLong();
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
                  newestAckedSend.accumulateAndGet(sentAt, Math::max);
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

  /** kill -9 the leader, wait for the first write after it, restart the node and await it. */
  public Kill killLeader(Duration timeout)
      throws InterruptedException, TimeoutException, IOException {
    LocalNode leader = cluster.awaitLeader(timeout);
    long killedAt = System.nanoTime();
    leader.kill();
    long deadline = killedAt + timeout.toNanos();
    while (newestAckedSend.get() < killedAt) {
      if (System.nanoTime() > deadline) {
        throw new TimeoutException("no write acknowledged within " + timeout + " of the kill");
      }
      Thread.sleep(1);
    }
    Duration toFirstAck = Duration.ofNanos(System.nanoTime() - killedAt);
    leader.start();
    leader.awaitReady(Duration.ofSeconds(90));
    return new Kill(leader.spec().id(), toFirstAck);
  }

  @Override
  public void close() throws InterruptedException {
    stop.set(true);
    producing.join(60_000);
  }
}
