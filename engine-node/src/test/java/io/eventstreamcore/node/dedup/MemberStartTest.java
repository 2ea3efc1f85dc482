package io.eventstreamcore.node.dedup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hazelcast.cluster.ClusterState;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class MemberStartTest {
  @Test
  void aJoinTheClusterRefusesForAMomentIsTriedAgainInsteadOfStoppingTheNode() throws Exception {
    String cluster = "member-start-" + UUID.randomUUID();
    int first = DedupTableTest.freePort();
    int second = DedupTableTest.freePort();
    List<String> members = List.of("127.0.0.1:" + first, "127.0.0.1:" + second);
    HazelcastInstance running =
        Hazelcast.newHazelcastInstance(DedupTable.config(settings(cluster, first, members)));
    CompletableFuture<HazelcastInstance> joined = new CompletableFuture<>();
    AtomicReference<Throwable> gaveUp = new AtomicReference<>();
    try (MemberStart start =
        new MemberStart(
            DedupTable.config(settings(cluster, second, members)), joined, gaveUp::set)) {
      // A frozen cluster admits no new member, as while two sides of a healed cut merge.
      running.getCluster().changeClusterState(ClusterState.FROZEN);
      start.begin();
      await("a refused join").atMost(Duration.ofSeconds(60)).until(() -> start.attempts() >= 2);
      running.getCluster().changeClusterState(ClusterState.ACTIVE);

      HazelcastInstance member = joined.get(60, TimeUnit.SECONDS);
      try {
        assertThat(member.getCluster().getMembers()).hasSize(2);
        assertThat(gaveUp.get()).isNull();
      } finally {
        member.shutdown();
      }
    } finally {
      running.shutdown();
    }
  }

  private static DedupTable.Settings settings(String cluster, int port, List<String> members)
      throws IOException {
    return new DedupTable.Settings(
        cluster,
        "127.0.0.1",
        Optional.of("127.0.0.1"),
        port,
        members,
        Optional.empty(),
        7,
        40,
        Duration.ofMinutes(5),
        60_000,
        Duration.ofSeconds(1));
  }
}
