package io.eventstreamcore.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.eventstreamcore.cli.local.LocalCluster;
import io.eventstreamcore.cli.local.LocalNode;
import io.eventstreamcore.client.Producer;
import io.eventstreamcore.protocol.Event;
import io.eventstreamcore.protocol.Priority;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dedup table split in two while Raft is whole: one node's Hazelcast port is cut, so its member
 * is a cluster of its own, holding the copies it had at the cut. The leader records new ids on its
 * side; then the cut-off node is made leader, and every id is sent again. Its copies miss those
 * records, so it must refill them from its log before it answers retries: each resend is a
 * DUPLICATE at its first offset. With buckets that only knew whether they were complete, the copies
 * on its side said so and the resends were stored again.
 */
class DedupTableSplitIT {
  private static final String TOPIC = "split";
  private static final String BEFORE = "before-the-split";
  private static final int IDS = 600;
  private static final int HAZELCAST_PORT =
      FaultInjectionIT.CLIENT_PORT + LocalCluster.HAZELCAST_OFFSET;
  private static final Duration READY = Duration.ofSeconds(90);

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path dir;

  @Test
  void aLeaderOnTheOtherSideOfASplitTableStoresNoRetryTwice() throws Exception {
    assumeTrue(NodeNetwork.supported(), "creating network namespaces needs root");
    assumeTrue(NodeNetwork.portCutsSupported(), "cutting one port needs iptables");
    try (NodeNetwork net = NodeNetwork.create(3)) {
      LocalCluster cluster = FaultInjectionIT.cluster(dir, net);
      try {
        cluster.start();
        cluster.awaitReady(READY);
        LocalNode leader = cluster.awaitLeader(READY);
        int apart = leader == cluster.nodes().get(0) ? 2 : 1;
        LocalNode other = cluster.nodes().get(apart - 1);
        Map<String, Long> before =
            IdResends.sendAll(List.of(leader.spec().clientEndpoint()), BEFORE, IDS);
        Nodes.awaitReadiness(leader, "members 3, backups in sync", READY);

        net.cutPort(apart, HAZELCAST_PORT);
        Nodes.awaitReadiness(leader, "members 2,", READY);
        Nodes.awaitReadiness(other, "members 1,", READY);
        Map<String, Long> original =
            IdResends.sendAll(List.of(leader.spec().clientEndpoint()), TOPIC, IDS);
        assertThat(original.values()).doesNotHaveDuplicates();
        awaitStampCovers(leader, other, appliedIndex(leader));

        transferLeadership(leader, other);
        await("the node apart leads")
            .atMost(READY)
            .until(() -> cluster.leader().filter(l -> l == other).isPresent());
        Map<String, Long> again =
            IdResends.sendAll(List.of(other.spec().clientEndpoint()), TOPIC, IDS);
        assertThat(IdResends.moved(original, again))
            .as("resends answered by a leader whose table side missed their records")
            .isEmpty();
        assertThat(
                IdResends.moved(
                    before, IdResends.sendAll(List.of(other.spec().clientEndpoint()), BEFORE, IDS)))
            .as("resends of ids recorded before the split")
            .isEmpty();

        net.healPort(apart, HAZELCAST_PORT);
        List<List<String>> logs = Nodes.converged(cluster, TOPIC);
        assertThat(logs).allSatisfy(l -> assertThat(l).hasSize(IDS).doesNotHaveDuplicates());
      } finally {
        Nodes.killAll(cluster);
      }
    }
  }

  /**
   * Waits until the node apart knows that the leader wrote the records through {@code index}: the
   * leader's stamp travels with its next batches, so small events are sent meanwhile. Until then
   * the node apart holds those records itself and would write them when it leads, which hides what
   * its side of the table misses.
   */
  private static void awaitStampCovers(LocalNode leader, LocalNode apart, long index) {
    try (Producer ticks =
        new Producer(Producer.Settings.defaults(List.of(leader.spec().clientEndpoint())))) {
      AtomicInteger tick = new AtomicInteger();
      await("the leader's stamp reaches the node apart")
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(50))
          .until(
              () -> {
                ticks
                    .send(
                        Event.of(
                            "tick-" + tick.incrementAndGet(), "ticks", Priority.HIGH, new byte[1]))
                    .join();
                return Nodes.metric(apart, "esc_dedup_records_through") >= index;
              });
    }
  }

  private static long appliedIndex(LocalNode node) throws Exception {
    String body = node.get("/api/v1/node", Duration.ofSeconds(5)).body();
    return new ObjectMapper().readTree(body).get("appliedIndex").asLong();
  }

  private static void transferLeadership(LocalNode leader, LocalNode to) throws Exception {
    HttpResponse<String> answer =
        leader.postJson(
            "/api/v1/cluster/leadership",
            "{\"to\": \"" + to.spec().id() + "\", \"timeoutMs\": 20000}",
            Duration.ofSeconds(30));
    assertThat(answer.statusCode()).as("leadership transfer: %s", answer.body()).isEqualTo(200);
  }
}
