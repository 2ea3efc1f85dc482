package io.eventstreamcore.cli;

import io.eventstreamcore.cli.local.FailoverProbe;
import io.eventstreamcore.cli.local.LocalCluster;
import io.eventstreamcore.cli.local.LocalNode;
import io.eventstreamcore.client.Consumer;
import io.eventstreamcore.protocol.Record;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Failover time: start a fresh local cluster, write at a steady rate, kill -9 the leader again and
 * again, and report how long each time until a write sent after the kill was acknowledged.
 */
@Command(
    mixinStandardHelpOptions = true,
    name = "failover-bench",
    description = "Kill the leader of a fresh local cluster N times; time to the first new write.")
final class FailoverBenchCommand implements Callable<Integer> {
  @Option(
      names = "--kills",
      defaultValue = "10",
      description = "Leader kills (default: ${DEFAULT-VALUE})")
  int kills;

  @Option(names = "--nodes", defaultValue = "3")
  int nodes;

  @Option(
      names = "--rate",
      defaultValue = "5000",
      description = "Events/s written meanwhile (default: ${DEFAULT-VALUE})")
  int rate;

  @Option(
      names = "--dir",
      defaultValue = ".esc/failover-bench",
      description = "Data folder (wiped first)")
  Path dir;

  /**
   * Below Linux's ephemeral range (32768 and up), which 37070 was in: a node's Hazelcast port was
   * once taken by an outgoing connection of the run before, and the node could not start.
   */
  @Option(
      names = "--base-port",
      defaultValue = "27070",
      description = "Client port of n1; HTTP is +1010, Raft +2800 (default: ${DEFAULT-VALUE})")
  int basePort;

  @Mixin NodeSettings settings;

  @Override
  public Integer call() throws Exception {
    LocalCluster.wipe(dir);
    LocalCluster cluster = LocalCluster.of(dir, nodes, basePort, settings.values);
    Histogram millis = new Histogram(60_000, 3);
    Histogram elected = new Histogram(60_000, 3);
    try (cluster) {
      cluster.start();
      cluster.awaitReady(Duration.ofSeconds(90));
      Map<String, Long> acknowledged;
      try (FailoverProbe probe = new FailoverProbe(cluster, "failover", rate, Long.MAX_VALUE)) {
        probe.start();
        System.out.printf(
            "%-5s %-8s %-26s %-14s %s%n",
            "kill", "leader", "killed at (UTC)", "ms to leader", "ms to first acknowledged write");
        for (int k = 1; k <= kills; k++) {
          probe.awaitAcknowledged(probe.acknowledged().size() + rate, Duration.ofSeconds(60));
          FailoverProbe.Kill kill = probe.killLeader(Duration.ofSeconds(30));
          millis.recordValue(kill.toFirstAck().toMillis());
          elected.recordValue(kill.toNewLeader().toMillis());
          System.out.printf(
              "%-5d %-8s %-26s %-14d %d%n",
              k,
              kill.nodeId(),
              kill.at(),
              kill.toNewLeader().toMillis(),
              kill.toFirstAck().toMillis());
        }
        acknowledged = probe.acknowledged();
      }
      long missing = missing(cluster, acknowledged);
      System.out.printf(
          "%nkills %d: median %d ms, p90 %d ms, worst %d ms; %d writes acknowledged, %d missing%n",
          kills,
          millis.getValueAtPercentile(50),
          millis.getValueAtPercentile(90),
          millis.getMaxValue(),
          acknowledged.size(),
          missing);
      System.out.printf(
          "a survivor reported itself leader: median %d ms, worst %d ms after the kill%n",
          elected.getValueAtPercentile(50), elected.getMaxValue());
      return missing == 0 ? 0 : 1;
    }
  }

  /** Acknowledged writes not found at their offset on the current leader. */
  private static long missing(LocalCluster cluster, Map<String, Long> acknowledged)
      throws Exception {
    // The last killed node has just restarted; an election may still be under way.
    LocalNode leader = cluster.awaitLeader(Duration.ofSeconds(30));
    Map<Long, String> stored = new HashMap<>();
    try (Consumer consumer = new Consumer(List.of(leader.spec().clientEndpoint()), "failover", 0)) {
      for (Record r : consumer.readToEnd(Duration.ZERO)) {
        stored.put(r.offset(), r.event().idAsString());
      }
    }
    return acknowledged.entrySet().stream()
        .filter(e -> !e.getKey().equals(stored.get(e.getValue())))
        .count();
  }
}
