package io.eventstreamcore.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventstreamcore.cli.local.LocalCluster;
import io.eventstreamcore.cli.local.LocalNode;
import io.eventstreamcore.client.Consumer;
import io.eventstreamcore.client.Producer;
import io.eventstreamcore.protocol.Event;
import io.eventstreamcore.protocol.Priority;
import io.eventstreamcore.protocol.Record;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three node processes; a producer writes continuously while the leader is killed with kill -9
 * three times (each time restarted, so it must catch up). Afterwards every acknowledged event is
 * stored exactly once, at its acknowledged offset, and all nodes hold the same log.
 *
 * <p>The producer does not retry: a retry after an ambiguous failure may store an event twice until
 * dedup exists, and this test is about what was acknowledged.
 */
class ThreeNodeFailoverIT {
  private static final String TOPIC = "failover";
  private static final int ROUNDS = 3;
  private static final int ACKS_PER_ROUND = 2_000;
  private static final long MAX_EVENTS = 300_000;

  @TempDir Path dir;

  @Test
  void killingTheLeaderLosesNothingAcknowledged() throws Exception {
    LocalCluster cluster = LocalCluster.of(dir, 3, freeBasePort(), List.of());
    Map<String, Long> acknowledged = new ConcurrentHashMap<>();
    // The send time of the newest acknowledged event: once it is after a kill, the new leader
    // has committed a write.
    AtomicLong newestAckedSend = new AtomicLong();
    AtomicBoolean stop = new AtomicBoolean();
    try {
      cluster.start();
      cluster.awaitReady(Duration.ofSeconds(90));
      Producer.Settings noRetries =
          new Producer.Settings(
              cluster.clientEndpoints(),
              64,
              Duration.ofMillis(1),
              8,
              Duration.ZERO,
              Duration.ofMillis(20));
      Thread producing = new Thread(() -> produce(noRetries, acknowledged, newestAckedSend, stop));
      producing.start();
      try {
        for (int round = 0; round < ROUNDS; round++) {
          awaitAcks(acknowledged, (round + 1) * ACKS_PER_ROUND);
          LocalNode leader = awaitLeader(cluster);
          long killedAt = System.nanoTime();
          leader.kill();
          long deadline = killedAt + Duration.ofSeconds(30).toNanos();
          while (newestAckedSend.get() < killedAt) {
            assertThat(System.nanoTime())
                .as("no write acknowledged after the kill")
                .isLessThan(deadline);
            Thread.sleep(2);
          }
          System.out.printf(
              "round %d: killed leader %s; an event sent after the kill was acknowledged"
                  + " within %d ms%n",
              round, leader.spec().id(), (System.nanoTime() - killedAt) / 1_000_000);
          leader.start();
          leader.awaitReady(Duration.ofSeconds(90));
        }
        awaitAcks(acknowledged, (ROUNDS + 1) * ACKS_PER_ROUND);
      } finally {
        stop.set(true);
        producing.join(60_000);
      }

      List<List<String>> logs = new ArrayList<>();
      for (LocalNode n : cluster.nodes()) {
        logs.add(readAll(n.spec().clientEndpoint(), acknowledged.size()));
      }
      List<String> log = logs.get(0);
      assertThat(logs).allSatisfy(l -> assertThat(l).isEqualTo(log));
      assertThat(log).doesNotHaveDuplicates();
      for (Map.Entry<String, Long> ack : acknowledged.entrySet()) {
        assertThat(log.get(ack.getValue().intValue()))
            .as("acknowledged event at offset %d", ack.getValue())
            .isEqualTo(ack.getKey());
      }
    } finally {
      stop.set(true);
      for (LocalNode n : cluster.nodes()) {
        n.kill();
      }
    }
  }

  private static void produce(
      Producer.Settings settings,
      Map<String, Long> acknowledged,
      AtomicLong newestAckedSend,
      AtomicBoolean stop) {
    try (Producer producer = new Producer(settings)) {
      for (long i = 0; i < MAX_EVENTS && !stop.get(); i++) {
        String id = "f-" + i;
        long sentAt = System.nanoTime();
        producer
            .send(Event.of(id, TOPIC, Priority.HIGH, ("event " + i).getBytes()))
            .thenAccept(
                offset -> {
                  acknowledged.put(id, offset);
                  newestAckedSend.accumulateAndGet(sentAt, Math::max);
                });
        if (i % 500 == 0) {
          Thread.sleep(5); // keep the load well below saturation: this test is about failover
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void awaitAcks(Map<String, Long> acknowledged, int atLeast)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (acknowledged.size() < atLeast) {
      assertThat(System.nanoTime())
          .as("acks stalled at %d", acknowledged.size())
          .isLessThan(deadline);
      Thread.sleep(10);
    }
  }

  private static LocalNode awaitLeader(LocalCluster cluster) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      Optional<LocalNode> leader = cluster.leader();
      if (leader.isPresent()) {
        return leader.get();
      }
      Thread.sleep(20);
    }
    throw new AssertionError("no leader within 30 s");
  }

  /** The topic's event ids in offset order, once the node holds at least {@code atLeast}. */
  private static List<String> readAll(String endpoint, int atLeast) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (true) {
      List<String> ids = new ArrayList<>();
      try (Consumer consumer = new Consumer(List.of(endpoint), TOPIC, 0)) {
        List<Record> got;
        while (!(got = consumer.poll(5000, Duration.ZERO)).isEmpty()) {
          for (Record r : got) {
            assertThat(r.offset()).isEqualTo(ids.size());
            ids.add(r.event().idAsString());
          }
        }
      }
      if (ids.size() >= atLeast || System.nanoTime() > deadline) {
        return ids;
      }
      Thread.sleep(200);
    }
  }

  /** A base port whose client, HTTP and Raft ports for three nodes are all free now. */
  private static int freeBasePort() throws IOException {
    for (int attempt = 0; attempt < 50; attempt++) {
      int base = ThreadLocalRandom.current().nextInt(20_000, 30_000);
      if (allFree(base)) {
        return base;
      }
    }
    throw new IOException("no free port range found");
  }

  private static boolean allFree(int base) {
    for (int offset : new int[] {0, LocalCluster.HTTP_OFFSET, LocalCluster.RAFT_OFFSET}) {
      for (int i = 0; i < 3; i++) {
        try (ServerSocket s = new ServerSocket(base + offset + i)) {
          s.setReuseAddress(true);
        } catch (IOException e) {
          return false;
        }
      }
    }
    return true;
  }
}
