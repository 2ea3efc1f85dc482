package io.eventstreamcore.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventstreamcore.cli.local.LocalCluster;
import io.eventstreamcore.cli.local.LocalNode;
import io.eventstreamcore.client.Producer;
import io.eventstreamcore.protocol.Event;
import io.eventstreamcore.protocol.Priority;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * A founding member whose process starts after the other two have elected a leader (a pod that was
 * scheduled late) has no storage but is still in the running group's configuration: it founds as
 * usual instead of waiting to be added, catches up, holds the whole log and votes. (The leader has
 * no match index for it, which tells it from a member that lost its log: {@code LostLogIT}.)
 */
class LateFounderIT {
  private static final String TOPIC = "late";

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path dir;

  @Test
  void aFounderThatStartsLateJoinsTheRunningGroupAsAVoter() throws Exception {
    LocalCluster cluster = LocalCluster.of(dir, 3, LocalCluster.freeBasePort(3), List.of());
    try (cluster) {
      List<LocalNode> nodes = cluster.nodes();
      nodes.get(0).start();
      nodes.get(1).start();
      LocalNode leader = cluster.awaitLeader(Duration.ofSeconds(90));
      List<String> early =
          List.of(nodes.get(0).spec().clientEndpoint(), nodes.get(1).spec().clientEndpoint());
      send(early, 0, 500);

      LocalNode late = nodes.get(2);
      late.start();
      late.awaitReady(Duration.ofSeconds(90));
      assertThat(Files.readString(late.spec().dataDir().resolve("node.log")))
          .as("still in the configuration: it founds, it does not wait to be added")
          .doesNotContain("runs without this node");
      send(cluster.clientEndpoints(), 500, 1_000);

      List<List<String>> logs = Nodes.converged(cluster, TOPIC);
      assertThat(logs.get(2)).hasSize(1_000).isEqualTo(logs.get(0)).isEqualTo(logs.get(1));
      leader.kill();
      LocalNode next = cluster.awaitLeader(Duration.ofSeconds(30));
      assertThat(next).isNotSameAs(leader);
      send(List.of(next.spec().clientEndpoint()), 1_000, 1_100);
      assertThat(Nodes.readIds(late.spec().clientEndpoint(), TOPIC))
          .as("the late founder votes: without it the two left could not commit")
          .hasSizeGreaterThanOrEqualTo(1_000);
    }
  }

  private static void send(List<String> bootstrap, int from, int to) {
    try (Producer p = new Producer(Producer.Settings.defaults(bootstrap))) {
      for (int i = from; i < to; i++) {
        p.send(Event.of("e-" + i, TOPIC, Priority.HIGH, new byte[16])).join();
      }
    }
  }
}
