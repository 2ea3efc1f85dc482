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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * A follower is killed, the others move on far enough to snapshot and purge the Raft log it would
 * need, and the follower restarts: it must catch up by copying the leader's store. It is killed
 * again as soon as that copy begins and restarted, and must still end with exactly the leader's
 * events and keep following the log.
 */
class SnapshotCatchUpIT {
  private static final String TOPIC = "catch-up";

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path dir;

  @Test
  void aFollowerBehindThePurgedLogCatchesUpFromTheLeadersStore() throws Exception {
    LocalCluster cluster =
        // The 40,000 events fill a few dozen Raft entries, many events each: a snapshot every 10
        // entries purges the log several times over.
        LocalCluster.of(
            dir,
            3,
            LocalCluster.freeBasePort(3),
            List.of("esc.raft.snapshot-threshold=10", "esc.raft.log-segment-size=256KB"));
    try (cluster) {
      cluster.start();
      cluster.awaitReady(Duration.ofSeconds(90));
      LocalNode leader = cluster.leader().orElseThrow();
      LocalNode follower =
          cluster.nodes().stream().filter(n -> n != leader).findFirst().orElseThrow();
      // The producer talks to the two nodes that stay up, so the kill does not fail its sends.
      // It retries as a real one does: 38,000 events at once can make the leader shed them for a
      // moment (OVERLOADED with a retry-after hint) on a slow machine.
      List<String> survivors =
          cluster.nodes().stream()
              .filter(n -> n != follower)
              .map(n -> n.spec().clientEndpoint())
              .toList();
      try (Producer producer = new Producer(Producer.Settings.defaults(survivors))) {
        send(producer, 0, 2_000);

        follower.kill();
        send(producer, 2_000, 40_000);
        for (LocalNode n : cluster.nodes()) {
          if (n != follower) {
            assertThat(raftLogSegments(n))
                .as("%s purged the start of its Raft log", n.spec().id())
                .noneMatch(name -> name.startsWith("log_0-"));
          }
        }

        follower.start();
        awaitLogLine(follower, "copying its snapshot's records");
        follower.kill();
        follower.start();
        follower.awaitReady(Duration.ofSeconds(90));
        send(producer, 40_000, 41_000);

        // Ready can come first: a lag below esc.health.max-apply-lag counts as caught up. The
        // leader may have changed meanwhile (StuckFollowerWatch can hand over while the follower
        // restarts), so any leader's snapshot will do.
        awaitLogLine(follower, "caught up with ");
        List<List<String>> logs = Nodes.converged(cluster, TOPIC);
        assertThat(logs.stream().map(List::size).toList())
            .as(
                "events per node, then what a node short of them last logged:%n%s",
                lagging(cluster, logs))
            .containsOnly(41_000);
        assertThat(logs.get(0)).doesNotHaveDuplicates();
        assertThat(logs).allSatisfy(l -> assertThat(l).isEqualTo(logs.get(0)));
      }
    } finally {
      Nodes.killAll(cluster);
    }
  }

  /** The last warnings of each node that holds fewer events than the most any node holds. */
  private static String lagging(LocalCluster cluster, List<List<String>> logs) throws Exception {
    int most = logs.stream().mapToInt(List::size).max().orElse(0);
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < logs.size(); i++) {
      LocalNode n = cluster.nodes().get(i);
      b.append(n.spec().id()).append(": ").append(logs.get(i).size()).append('\n');
      if (logs.get(i).size() < most) {
        List<String> notable =
            Files.readAllLines(n.spec().dataDir().resolve("node.log")).stream()
                .filter(
                    l -> l.contains(" WARN ") || l.contains(" ERROR ") || l.contains("snapshot"))
                .toList();
        notable
            .subList(Math.max(0, notable.size() - 20), notable.size())
            .forEach(l -> b.append("  ").append(l).append('\n'));
      }
    }
    return b.toString();
  }

  private static void awaitLogLine(LocalNode n, String text) throws Exception {
    Path log = n.spec().dataDir().resolve("node.log");
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!(Files.exists(log) && Files.readString(log).contains(text))) {
      assertThat(System.nanoTime()).as("%s logs '%s'", n.spec().id(), text).isLessThan(deadline);
      Thread.sleep(10);
    }
  }

  private static void send(Producer producer, int from, int to) {
    List<CompletableFuture<Long>> acks = new ArrayList<>();
    for (int i = from; i < to; i++) {
      acks.add(producer.send(Event.of("e-" + i, TOPIC, Priority.MEDIUM, new byte[100])));
    }
    CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).join();
  }

  /**
   * Names only: the node purges segments and snapshots meanwhile, and a walk that reads a file's
   * attributes fails on one deleted under it.
   */
  private static List<String> raftLogSegments(LocalNode n) throws Exception {
    List<String> segments = new ArrayList<>();
    try (Stream<Path> groups = Files.list(n.spec().dataDir().resolve("raft"))) {
      for (Path group : groups.toList()) {
        String[] names = group.resolve("current").toFile().list();
        for (String name : names == null ? new String[0] : names) {
          if (name.startsWith("log_")) {
            segments.add(name);
          }
        }
      }
    }
    return segments;
  }
}
