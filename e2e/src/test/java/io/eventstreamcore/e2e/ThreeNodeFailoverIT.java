package io.eventstreamcore.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventstreamcore.cli.local.FailoverProbe;
import io.eventstreamcore.cli.local.LocalCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
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
    LocalCluster cluster = LocalCluster.of(dir, 3, LocalCluster.freeBasePort(3), List.of());
    try {
      cluster.start();
      cluster.awaitReady(Duration.ofSeconds(90));
      Map<String, Long> acknowledged;
      // Enough events for ten minutes: a round waits for the restarted node to catch up, which on a
      // busy two-core host took long enough that 100 s of load ran out before the last kill.
      try (FailoverProbe probe = new FailoverProbe(cluster, TOPIC, 5_000, 3_000_000)) {
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

      List<List<String>> logs = Nodes.converged(cluster, TOPIC);
      List<String> log = logs.get(0);
      assertThat(logs).allSatisfy(l -> assertThat(l).isEqualTo(log));
      assertThat(log).doesNotHaveDuplicates();
      for (Map.Entry<String, Long> ack : acknowledged.entrySet()) {
        assertThat(log.get(ack.getValue().intValue()))
            .as("acknowledged event at offset %d", ack.getValue())
            .isEqualTo(ack.getKey());
      }
    } finally {
      Nodes.killAll(cluster);
    }
  }
}
