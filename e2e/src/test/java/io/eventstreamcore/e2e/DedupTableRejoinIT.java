package io.eventstreamcore.e2e;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.eventstreamcore.cli.local.LocalCluster;
import io.eventstreamcore.cli.local.LocalNode;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node cut off long enough for Hazelcast to drop it from the dedup table's cluster joins it again
 * within seconds of the heal. With Hazelcast's defaults it stayed a cluster of its own for up to
 * five minutes; a leader elected meanwhile read and wrote only its side of the table, and a
 * FaultInjectionIT run (seed 58249118668937, a follower cut and then the leader cut) stored 20
 * retried events twice.
 */
class DedupTableRejoinIT {
  private static final Duration READY = Duration.ofSeconds(90);

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path dir;

  @Test
  void aMemberCutOffRejoinsTheTableSoonAfterTheHeal() throws Exception {
    assumeTrue(NodeNetwork.supported(), "creating network namespaces needs root");
    try (NodeNetwork net = NodeNetwork.create(3)) {
      LocalCluster cluster = FaultInjectionIT.cluster(dir, net);
      try {
        cluster.start();
        cluster.awaitReady(READY);
        LocalNode leader = cluster.awaitLeader(READY);
        int follower = leader == cluster.nodes().get(0) ? 2 : 1;
        awaitMembers(leader, 3, READY);

        net.cut(follower);
        awaitMembers(leader, 2, Duration.ofSeconds(30));
        net.heal(follower);
        long healed = System.nanoTime();

        awaitMembers(leader, 3, Duration.ofSeconds(30));
        System.out.printf(
            "DedupTableRejoinIT: the table had three members again %d ms after the heal%n",
            (System.nanoTime() - healed) / 1_000_000);
      } finally {
        Nodes.killAll(cluster);
      }
    }
  }

  private static void awaitMembers(LocalNode node, int members, Duration within) {
    Nodes.awaitReadiness(node, "members " + members + ",", within);
  }
}
