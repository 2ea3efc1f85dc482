package io.eventstreamcore.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.eventstreamcore.cli.local.LocalCluster;
import io.eventstreamcore.cli.local.LocalNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fault-injection suite: three node processes, each in a network namespace of its own, under
 * retrying producers (same id on every retry), suffer in a seeded order: kill -9 of the leader, of
 * a follower and of two nodes, SIGSTOP of the leader, and the leader and a follower cut off their
 * peers. Each fault lasts a seeded 1–4 s. Afterwards every acknowledged event is stored exactly
 * once at its acknowledged offset, and the three logs are identical. The longest time without an
 * acknowledgement during each fault is printed (docs/operations.md, "Failure modes"), and held to a
 * bound that catches an outage, not to the aim: timing on a shared two-core host is a benchmark's
 * business.
 *
 * <p>Replay a run with {@code -Desc.fault.seed=<the printed seed>}, and only some of its faults
 * with {@code -Desc.fault.only=CUT_FOLLOWER,KILL_TWO}.
 */
class FaultInjectionIT {
  private static final String TOPIC = "faults";
  private static final int PRODUCERS = 3;
  static final int CLIENT_PORT = 7000;
  private static final Duration READY = Duration.ofSeconds(90);

  /**
   * A single fault must not stop writes for longer than this: an outage, not the aim (1 s). Since
   * dedup stopped waiting for Hazelcast, single faults cost 0.2–2.4 s here; before, a leader kill
   * cost 14.4 s on the CI machine (docs/benchmarks.md, "Faults under load").
   */
  private static final Duration SINGLE_FAULT_BOUND = Duration.ofSeconds(10);

  /**
   * After two nodes come back, writes must resume within this of the later one's start: an outage,
   * not the aim (5 s). Two JVMs starting on two vCPUs next to a loaded node took 16–30 s here.
   */
  private static final Duration LOST_QUORUM_BOUND = Duration.ofSeconds(60);

  enum Fault {
    KILL_LEADER,
    KILL_FOLLOWER,
    KILL_TWO,
    PAUSE_LEADER,
    CUT_LEADER,
    CUT_FOLLOWER
  }

  /** What one fault cost: the longest gap between acknowledgements from its start to recovery. */
  record Outcome(Fault fault, String nodes, long heldMillis, long longestGapMillis) {}

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path dir;

  @Test
  void everyFaultKeepsEveryAcknowledgedEventOnceAndWritesResume() throws Exception {
    long seed = Long.getLong("esc.fault.seed", System.nanoTime());
    System.out.println("FaultInjectionIT seed " + seed);
    Random random = new Random(seed);
    assumeTrue(NodeNetwork.supported(), "creating network namespaces needs root");
    try (NodeNetwork net = NodeNetwork.create(3)) {
      LocalCluster cluster = cluster(dir, net);
      List<PacedLoad> loads = new ArrayList<>();
      try {
        cluster.start();
        cluster.awaitReady(READY);
        for (int p = 0; p < PRODUCERS; p++) {
          loads.add(
              new PacedLoad(
                      cluster.clientEndpoints(),
                      TOPIC,
                      "p" + p + "-",
                      1_000_000,
                      20,
                      50,
                      100,
                      Duration.ofMinutes(2))
                  .start());
        }
        awaitMoreAcks(loads, 1_000);

        List<Fault> order = new ArrayList<>(faultsToInject());
        Collections.shuffle(order, random);
        List<Outcome> outcomes = new ArrayList<>();
        Faults faults = new Faults(cluster, net, random);
        for (Fault fault : order) {
          long startedAt = System.nanoTime();
          Faults.Injected injected = faults.inject(fault);
          cluster.awaitReady(READY);
          awaitMoreAcks(loads, 500);
          long longestGap = longestGap(ackTimes(loads), startedAt, System.nanoTime());
          // The next fault is a single fault only once every follower has caught up: a quorum of
          // the leader and a follower still copying what it missed commits only as fast as that
          // follower catches up.
          cluster.awaitFollowersCaughtUp(LocalCluster.CAUGHT_UP_LAG, READY);
          Outcome outcome =
              new Outcome(fault, injected.nodes(), injected.heldMillis(), longestGap / 1_000_000);
          System.out.println("FaultInjectionIT " + outcome);
          outcomes.add(outcome);
          if (fault == Fault.KILL_TWO) {
            long resumed = firstAckAfter(ackTimes(loads), injected.restartedAt());
            System.out.printf(
                "FaultInjectionIT writes resumed %d ms after the second node's start%n",
                (resumed - injected.restartedAt()) / 1_000_000);
            assertThat(Duration.ofNanos(resumed - injected.restartedAt()))
                .as("writes resumed after a lost quorum came back")
                .isLessThan(LOST_QUORUM_BOUND);
          }
        }
        for (PacedLoad load : loads) {
          load.stop();
        }
        assertEveryAcknowledgedEventOnce(cluster, loads);
        for (Outcome o : outcomes) {
          if (o.fault() != Fault.KILL_TWO) {
            assertThat(Duration.ofMillis(o.longestGapMillis()))
                .as("longest time without an acknowledgement in %s", o)
                .isLessThan(SINGLE_FAULT_BOUND);
          }
        }
      } finally {
        for (PacedLoad load : loads) {
          load.stop();
        }
        Nodes.killAll(cluster);
      }
    }
  }

  /** All faults, or those named in {@code -Desc.fault.only} (comma-separated) to replay a few. */
  private static List<Fault> faultsToInject() {
    String only = System.getProperty("esc.fault.only", "");
    if (only.isBlank()) {
      return List.of(Fault.values());
    }
    return Arrays.stream(only.split(",")).map(String::trim).map(Fault::valueOf).toList();
  }

  /** Three nodes, one per network namespace of {@code net}, so that each can be cut off. */
  static LocalCluster cluster(Path dir, NodeNetwork net) {
    List<String> peers = new ArrayList<>();
    for (int k = 1; k <= 3; k++) {
      peers.add(
          LocalNode.peerEntry(
              "n" + k,
              net.host(k),
              CLIENT_PORT + LocalCluster.RAFT_OFFSET,
              CLIENT_PORT,
              CLIENT_PORT + LocalCluster.HTTP_OFFSET));
    }
    List<LocalNode> nodes = new ArrayList<>();
    for (int k = 1; k <= 3; k++) {
      LocalNode.Spec spec =
          new LocalNode.Spec(
              "n" + k,
              dir.resolve("n" + k),
              net.host(k),
              CLIENT_PORT,
              CLIENT_PORT + LocalCluster.HTTP_OFFSET,
              CLIENT_PORT + LocalCluster.RAFT_OFFSET,
              peers,
              List.of());
      nodes.add(new LocalNode(spec, LocalNode.defaultNodeJar(), net.launcher(k)));
    }
    return LocalCluster.of(nodes);
  }

  private static void awaitMoreAcks(List<PacedLoad> loads, int more) throws InterruptedException {
    for (PacedLoad load : loads) {
      load.awaitAcked(load.acked().size() + more / loads.size());
    }
  }

  private static List<Long> ackTimes(List<PacedLoad> loads) {
    List<Long> all = new ArrayList<>();
    for (PacedLoad load : loads) {
      all.addAll(load.ackTimes());
    }
    Collections.sort(all);
    return all;
  }

  /** The longest stretch of [from, to] with no acknowledgement in it. */
  static long longestGap(List<Long> sortedAckTimes, long from, long to) {
    long longest = 0;
    long previous = from;
    for (long t : sortedAckTimes) {
      if (t <= from) {
        continue;
      }
      if (t > to) {
        break;
      }
      longest = Math.max(longest, t - previous);
      previous = t;
    }
    return Math.max(longest, to - previous);
  }

  private static long firstAckAfter(List<Long> sortedAckTimes, long at) {
    return sortedAckTimes.stream().filter(t -> t > at).findFirst().orElseThrow();
  }

  private static void assertEveryAcknowledgedEventOnce(LocalCluster cluster, List<PacedLoad> loads)
      throws Exception {
    List<List<String>> logs = Nodes.converged(cluster, TOPIC);
    List<String> log = logs.get(0);
    assertThat(logs).as("every node's log").allSatisfy(l -> assertThat(l).isEqualTo(log));
    assertThat(log).doesNotHaveDuplicates();
    Map<String, Long> acked = new HashMap<>();
    loads.forEach(l -> acked.putAll(l.acked()));
    for (Map.Entry<String, Long> ack : acked.entrySet()) {
      assertThat(ack.getValue()).as("offset of %s", ack.getKey()).isLessThan(log.size());
      assertThat(log.get(ack.getValue().intValue()))
          .as("acknowledged event at offset %d", ack.getValue())
          .isEqualTo(ack.getKey());
    }
    System.out.printf(
        "FaultInjectionIT %d acknowledged, %d stored, logs identical%n", acked.size(), log.size());
  }

  /** Injects each kind of fault and undoes it after a seeded while. */
  private static final class Faults {
    record Injected(String nodes, long heldMillis, long restartedAt) {}

    private final LocalCluster cluster;
    private final NodeNetwork net;
    private final Random random;

    Faults(LocalCluster cluster, NodeNetwork net, Random random) {
      this.cluster = cluster;
      this.net = net;
      this.random = random;
    }

    Injected inject(Fault fault) throws Exception {
      LocalNode leader = cluster.awaitLeader(READY);
      List<LocalNode> followers = cluster.nodes().stream().filter(n -> n != leader).toList();
      LocalNode follower = followers.get(random.nextInt(followers.size()));
      long hold = 1_000 + random.nextInt(3_000);
      return switch (fault) {
        case KILL_LEADER -> killAndRestart(List.of(leader), hold);
        case KILL_FOLLOWER -> killAndRestart(List.of(follower), hold);
        case KILL_TWO ->
            killAndRestart(random.nextBoolean() ? List.of(leader, follower) : followers, hold);
        case PAUSE_LEADER -> pause(leader, hold);
        case CUT_LEADER -> cut(leader, hold);
        case CUT_FOLLOWER -> cut(follower, hold);
      };
    }

    private Injected killAndRestart(List<LocalNode> victims, long hold) throws Exception {
      for (LocalNode n : victims) {
        n.kill();
      }
      Thread.sleep(hold);
      for (LocalNode n : victims) {
        n.start();
      }
      return new Injected(ids(victims), hold, System.nanoTime());
    }

    private Injected pause(LocalNode node, long hold) throws Exception {
      Commands.run("kill", "-STOP", Long.toString(node.pid()));
      Thread.sleep(hold);
      Commands.run("kill", "-CONT", Long.toString(node.pid()));
      return new Injected(ids(List.of(node)), hold, System.nanoTime());
    }

    private Injected cut(LocalNode node, long hold) throws Exception {
      int k = cluster.nodes().indexOf(node) + 1;
      net.cut(k);
      Thread.sleep(hold);
      net.heal(k);
      return new Injected(ids(List.of(node)), hold, System.nanoTime());
    }

    private static String ids(List<LocalNode> nodes) {
      return String.join("+", nodes.stream().map(n -> n.spec().id()).toList());
    }
  }
}
