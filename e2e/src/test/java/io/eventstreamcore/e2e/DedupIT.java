package io.eventstreamcore.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventstreamcore.cli.local.LocalCluster;
import io.eventstreamcore.cli.local.LocalNode;
import io.eventstreamcore.client.Connection;
import io.eventstreamcore.client.Producer;
import io.eventstreamcore.protocol.ErrorCode;
import io.eventstreamcore.protocol.Event;
import io.eventstreamcore.protocol.EventCodec;
import io.eventstreamcore.protocol.FrameType;
import io.eventstreamcore.protocol.Priority;
import io.eventstreamcore.protocol.ProduceAck;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dedup table on three node processes: deliberate duplicates are answered with the original
 * offset, an id sent to two nodes at once is stored once, and producers that retry every
 * unacknowledged send while leaders are killed end with each acknowledged id stored exactly once.
 */
class DedupIT {
  /** Enough that the producer is still sending when the last round ends, on a slow machine too. */
  private static final int SENDS = 400_000;

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path dir;

  @Test
  void deliberateDuplicatesGetTheOriginalOffsetWithinTheWindowOnly() throws Exception {
    LocalCluster cluster =
        LocalCluster.of(dir, 3, LocalCluster.freeBasePort(3), List.of("esc.dedup.window=3s"));
    try (cluster) {
      cluster.start();
      cluster.awaitReady(Duration.ofSeconds(90));
      List<LocalNode> nodes = cluster.nodes();
      long first = send(nodes.get(0), "orders", "order-1");
      send(nodes.get(0), "orders", "order-2");
      assertThat(send(nodes.get(0), "orders", "order-1")).as("same node").isEqualTo(first);
      assertThat(send(nodes.get(1), "orders", "order-1")).as("another node").isEqualTo(first);
      assertThat(send(nodes.get(2), "payments", "order-1"))
          .as("the same id on another topic is another event")
          .isEqualTo(0);
      Thread.sleep(4_500);
      assertThat(send(nodes.get(1), "orders", "order-1")).as("after the window").isEqualTo(2);
      assertThat(Nodes.readIds(nodes.get(2).spec().clientEndpoint(), "orders"))
          .containsExactly("order-1", "order-2", "order-1");
    } finally {
      Nodes.killAll(cluster);
    }
  }

  @Test
  void retriesAcrossLeaderKillsStoreEachAcknowledgedIdOnce() throws Exception {
    String topic = "checked";
    LocalCluster cluster = LocalCluster.of(dir, 3, LocalCluster.freeBasePort(3), List.of());
    PacedLoad load = new PacedLoad(cluster.clientEndpoints(), topic, SENDS, 250, 50, 40);
    try (cluster) {
      cluster.start();
      cluster.awaitReady(Duration.ofSeconds(90));
      load.start();
      Map<String, Long> acked = load.acked();
      for (int round = 0; round < 2; round++) {
        load.awaitAcked((round + 1) * 3_000);
        LocalNode leader = cluster.awaitLeader(Duration.ofSeconds(30));
        leader.kill();
        load.awaitAcked(acked.size() + 1_000);
        leader.start();
        leader.awaitReady(Duration.ofSeconds(90));
      }
      load.awaitAcked(acked.size() + 2_000);
      load.stop();

      List<List<String>> logs = Nodes.converged(cluster, topic);
      List<String> log = logs.get(0);
      assertThat(logs).allSatisfy(l -> assertThat(l).isEqualTo(log));
      Map<String, Integer> times = new HashMap<>();
      log.forEach(id -> times.merge(id, 1, Integer::sum));
      assertThat(acked.keySet()).allSatisfy(id -> assertThat(times.get(id)).as(id).isEqualTo(1));
      assertThat(times.values()).as("no id stored twice").allMatch(n -> n == 1);
      for (Map.Entry<String, Long> a : acked.entrySet()) {
        assertThat(log.get(a.getValue().intValue())).isEqualTo(a.getKey());
      }
    } finally {
      load.stop();
      Nodes.killAll(cluster);
    }
  }

  @Test
  void theSameIdSentToTheLeaderAndAFollowerAtOnceIsStoredOnce() throws Exception {
    String topic = "raced";
    int ids = 1_000;
    LocalCluster cluster = LocalCluster.of(dir, 3, LocalCluster.freeBasePort(3), List.of());
    try (cluster) {
      cluster.start();
      cluster.awaitReady(Duration.ofSeconds(90));
      LocalNode leader = cluster.awaitLeader(Duration.ofSeconds(30));
      LocalNode follower = cluster.nodes().stream().filter(n -> n != leader).findFirst().get();
      // Straight connections, not a Producer: it would move to the leader, and the race is between
      // the leader's batch in flight and the follower's write of the same id.
      try (Connection toLeader = Connection.open(leader.spec().clientEndpoint());
          Connection toFollower = Connection.open(follower.spec().clientEndpoint())) {
        List<CompletableFuture<Long>> viaLeader = new ArrayList<>();
        List<CompletableFuture<Long>> viaFollower = new ArrayList<>();
        for (int i = 0; i < ids; i++) {
          byte[] event =
              EventCodec.encode(Event.of("race-" + i, topic, Priority.HIGH, new byte[8]));
          viaLeader.add(storedAt(toLeader, event, 200));
          viaFollower.add(storedAt(toFollower, event, 200));
        }
        for (int i = 0; i < ids; i++) {
          assertThat(viaFollower.get(i).get(60, TimeUnit.SECONDS))
              .as("race-%d answered through the follower as through the leader", i)
              .isEqualTo(viaLeader.get(i).get(60, TimeUnit.SECONDS));
        }
      }
      List<List<String>> logs = Nodes.converged(cluster, topic);
      assertThat(logs.get(0)).hasSize(ids).doesNotHaveDuplicates();
    } finally {
      Nodes.killAll(cluster);
    }
  }

  /** Sends one event until the node stores it or answers that it is stored: its offset. */
  private static CompletableFuture<Long> storedAt(Connection conn, byte[] event, int attempts) {
    return conn.request(FrameType.PRODUCE, w -> w.i32(1).raw(event))
        .thenCompose(
            frame -> {
              ProduceAck ack = ProduceAck.read(frame.reader());
              ErrorCode code = ack.codes()[0];
              if (code == ErrorCode.OK || code == ErrorCode.DUPLICATE) {
                return CompletableFuture.completedFuture(ack.offsets()[0]);
              }
              assertThat(code.retryable()).as("%s is retryable", code).isTrue();
              assertThat(attempts).as("attempts left").isGreaterThan(1);
              return CompletableFuture.supplyAsync(
                      () -> null, CompletableFuture.delayedExecutor(20, TimeUnit.MILLISECONDS))
                  .thenCompose(later -> storedAt(conn, event, attempts - 1));
            });
  }

  private static long send(LocalNode node, String topic, String id) {
    // Retries as any producer does: an election between two sends is answered retryably, and what
    // is checked here is the offset the send finally gets.
    try (Producer p =
        new Producer(Producer.Settings.defaults(List.of(node.spec().clientEndpoint())))) {
      return p.send(Event.of(id, topic, Priority.HIGH, new byte[8])).join();
    }
  }
}
