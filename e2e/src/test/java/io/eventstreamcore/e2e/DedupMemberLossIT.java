package io.eventstreamcore.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.eventstreamcore.cli.local.LocalCluster;
import io.eventstreamcore.cli.local.LocalNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Losing Hazelcast members with their nodes: one lost member costs no dedup entry (its backups take
 * over); two lost at once, or all three, lose entries, which the next leader refills from its log
 * into the buckets made anew, so every id is still answered DUPLICATE with its original offset.
 */
class DedupMemberLossIT {
  private static final String TOPIC = "ledger";
  private static final int IDS = 2_000;

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path dir;

  @Test
  void dedupHoldsWhenOneMemberIsLostAndIsRefilledWhenTwoOrAllAre() throws Exception {
    // A snapshot every 2 entries (an entry carries several batches: the 2,000 ids fill about
    // ten): a restarted node re-applies, and so re-records, only the events after its last
    // snapshot, so what it would record on replay cannot hide entries the table lost.
    LocalCluster cluster =
        LocalCluster.of(
            dir, 3, LocalCluster.freeBasePort(3), List.of("esc.raft.snapshot-threshold=2"));
    try (cluster) {
      cluster.start();
      cluster.awaitReady(Duration.ofSeconds(90));
      Map<String, Long> original = sendAll(cluster);
      assertThat(original.values()).doesNotHaveDuplicates();

      LocalNode leader = cluster.awaitLeader(Duration.ofSeconds(30));
      List<LocalNode> followers = cluster.nodes().stream().filter(n -> n != leader).toList();
      followers.get(0).kill();
      assertThat(movedIds(original, sendAll(cluster))).as("one member lost").isEmpty();

      followers.get(0).start();
      followers.get(0).awaitReady(Duration.ofSeconds(90));
      Nodes.awaitReadiness(leader, "members 3, backups in sync", Duration.ofSeconds(60));

      for (LocalNode f : followers) {
        f.kill();
      }
      Nodes.awaitReadiness(leader, "members 1,", Duration.ofSeconds(60));
      await("loss reported")
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> Nodes.metric(leader, "esc_dedup_partitions_lost_total") > 0);

      for (LocalNode f : followers) {
        f.start();
      }
      cluster.awaitReady(Duration.ofSeconds(90));
      assertThat(movedIds(original, sendAll(cluster)))
          .as("two members lost, table refilled")
          .isEmpty();
      assertThat(refilled(cluster)).as("events written into the buckets made anew").isPositive();

      // Every member gone: the table starts empty, and the nodes re-apply only the log after their
      // last snapshot, so without a refill most ids would be forgotten.
      for (LocalNode n : cluster.nodes()) {
        n.kill();
      }
      for (LocalNode n : cluster.nodes()) {
        n.start();
      }
      cluster.awaitReady(Duration.ofSeconds(90));
      assertThat(movedIds(original, sendAll(cluster)))
          .as("every node restarted, table refilled")
          .isEmpty();
      assertThat(refilled(cluster))
          .as("the new leader refilled the whole window")
          .isGreaterThanOrEqualTo(IDS);

      List<List<String>> logs = Nodes.converged(cluster, TOPIC);
      assertThat(logs).allSatisfy(l -> assertThat(l).hasSize(IDS).doesNotHaveDuplicates());
    } finally {
      Nodes.killAll(cluster);
    }
  }

  /** Events written into incomplete buckets since the nodes' last start, over all nodes. */
  private static double refilled(LocalCluster cluster) throws Exception {
    double events = 0;
    for (LocalNode n : cluster.nodes()) {
      events += Nodes.metric(n, "esc_dedup_refill_events_total");
    }
    return events;
  }

  private static Map<String, Long> sendAll(LocalCluster cluster) {
    return IdResends.sendAll(cluster.clientEndpoints(), TOPIC, IDS);
  }

  private static List<String> movedIds(Map<String, Long> original, Map<String, Long> again) {
    return IdResends.moved(original, again);
  }
}
