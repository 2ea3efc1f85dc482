package io.eventstreamcore.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventstreamcore.cli.local.FailoverProbe;
import io.eventstreamcore.cli.local.LocalCluster;
import io.eventstreamcore.cli.local.LocalNode;
import io.eventstreamcore.client.Consumer;
import io.eventstreamcore.protocol.Record;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
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

  @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS)
  Path dir;

  @Test
  void killingTheLeaderLosesNothingAcknowledged() throws Exception {
    LocalCluster cluster = LocalCluster.of(dir, 3, freeBasePort(), List.of());
    try {
      cluster.start();
      cluster.awaitReady(Duration.ofSeconds(90));
      Map<String, Long> acknowledged;
      try (FailoverProbe probe = new FailoverProbe(cluster, TOPIC, 5_000, 500_000)) {
        probe.start();
        for (int round = 0; round < ROUNDS; round++) {
          probe.awaitAcknowledged((round + 1) * ACKS_PER_ROUND, Duration.ofSeconds(60));
          FailoverProbe.Kill kill = probe.killLeader(Duration.ofSeconds(30));
          System.out.printf(
              "round %d: killed leader %s; a write sent after the kill was acknowledged within"
                  + " %d ms%n",
              round, kill.nodeId(), kill.toFirstAck().toMillis());
        }
        probe.awaitAcknowledged((ROUNDS + 1) * ACKS_PER_ROUND, Duration.ofSeconds(60));
        acknowledged = probe.acknowledged();
      }

      List<List<String>> logs = converged(cluster);
      List<String> log = logs.get(0);
      assertThat(logs).allSatisfy(l -> assertThat(l).isEqualTo(log));
      assertThat(log).doesNotHaveDuplicates();
      for (Map.Entry<String, Long> ack : acknowledged.entrySet()) {
        assertThat(log.get(ack.getValue().intValue()))
            .as("acknowledged event at offset %d", ack.getValue())
            .isEqualTo(ack.getKey());
      }
    } finally {
      for (LocalNode n : cluster.nodes()) {
        n.kill();
      }
    }
  }

  /** Every node's event ids in offset order, once all nodes hold the same number (or 60 s). */
  private static List<List<String>> converged(LocalCluster cluster) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (true) {
      List<List<String>> logs = new ArrayList<>();
      for (LocalNode n : cluster.nodes()) {
        logs.add(readAll(n.spec().clientEndpoint()));
      }
      boolean sameLength = logs.stream().mapToInt(List::size).distinct().count() == 1;
      if (sameLength || System.nanoTime() > deadline) {
        return logs;
      }
      Thread.sleep(200);
    }
  }

  private static List<String> readAll(String endpoint) throws Exception {
    List<String> ids = new ArrayList<>();
    try (Consumer consumer = new Consumer(List.of(endpoint), TOPIC, 0)) {
      for (Record r : consumer.readToEnd(Duration.ZERO)) {
        assertThat(r.offset()).isEqualTo(ids.size());
        ids.add(r.event().idAsString());
      }
    }
    return ids;
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
