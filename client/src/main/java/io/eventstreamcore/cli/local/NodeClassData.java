package io.eventstreamcore.cli.local;

import io.eventstreamcore.client.Consumer;
import io.eventstreamcore.client.Producer;
import io.eventstreamcore.protocol.Event;
import io.eventstreamcore.protocol.Priority;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The engine node's class-data archive (AppCDS) for the JVM that built it: made once by a training
 * run of a three-node cluster at build time, and used by every node this machine starts.
 *
 * <p>Why: a node that starts next to loaded peers on two vCPUs spends most of its first seconds
 * loading and linking classes (the JVM, Quarkus, Hazelcast, Ratis, gRPC); after two of three nodes
 * were killed, the restarted ones took 9–15 s to their first Raft election, and the one that won
 * lost its first term while it loaded Ratis's leader side. An archive maps those classes in
 * pre-parsed. A JDK 17 archive is only valid for the exact JVM build and the exact jars it was made
 * with, so it cannot ship: it is made here by {@link #main} (the {@code client} module runs it at
 * {@code package}), and a JVM that finds it stale ignores it with a warning and starts as before.
 * See ADR 0023.
 */
public final class NodeClassData {
  private static final String TOPIC = "training";
  private static final int EVENTS = 20_000;
  private static final Duration READY = Duration.ofSeconds(180);

  private NodeClassData() {}

  /** Where the archive for this JVM lives: beside the node's jar, named by the JVM's version. */
  public static Path archiveFor(Path nodeJar) {
    String jvm = Runtime.version().toString().replaceAll("[^A-Za-z0-9.+-]", "_");
    return nodeJar.toAbsolutePath().normalize().resolveSibling("esc-node-" + jvm + ".jsa");
  }

  /** JVM options that use the archive, or none when this machine has not made one. */
  static List<String> useOptions(Path nodeJar) {
    Path archive = archiveFor(nodeJar);
    return Files.isRegularFile(archive) ? List.of("-XX:SharedArchiveFile=" + archive) : List.of();
  }

  /**
   * Trains and writes the archive for the node jar given as the argument. A build must not fail for
   * want of an archive: any failure is reported and the node simply starts without one.
   */
  public static void main(String[] args) throws Exception {
    Path nodeJar = Path.of(args[0]);
    if (!Files.isRegularFile(nodeJar)) {
      System.out.println("esc: no class-data archive made: " + nodeJar + " is not built");
      return;
    }
    Path work = Files.createTempDirectory("esc-cds-training");
    long start = System.nanoTime();
    try {
      Path archive = train(nodeJar, work);
      System.out.printf(
          "esc: class-data archive %s (%d MB) made in %d s%n",
          archive,
          Files.size(archive) >> 20,
          Duration.ofNanos(System.nanoTime() - start).toSeconds());
      LocalCluster.wipe(work);
    } catch (Exception e) {
      System.out.printf(
          "esc: no class-data archive made (nodes start without one): %s; node logs in %s%n",
          e, work);
    }
  }

  /**
   * Runs a three-node cluster in which n1 records its classes: n1 starts, elects, serves produce
   * and consume on the binary protocol, HTTP, the dedup table, as a follower and then as the
   * leader, and stops cleanly, which is when the JVM writes the archive.
   */
  static Path train(Path nodeJar, Path work) throws Exception {
    Path archive = archiveFor(nodeJar);
    // A JVM cannot record on top of a dynamic archive it uses; the old one is replaced anyway.
    Files.deleteIfExists(archive);
    Path recording = work.resolve("n1.jsa");
    System.setProperty("esc.node.app", nodeJar.toString());
    LocalCluster base = LocalCluster.of(work, 3, LocalCluster.freeBasePort(3), List.of());
    List<LocalNode> nodes = new ArrayList<>(base.nodes());
    nodes.set(0, nodes.get(0).withJvmOptions(List.of("-XX:ArchiveClassesAtExit=" + recording)));
    LocalCluster cluster = LocalCluster.of(nodes);
    LocalNode n1 = nodes.get(0);
    try {
      cluster.start();
      cluster.awaitReady(READY);
      phase("three nodes ready");
      if (LocalCluster.isLeader(n1)) {
        transferLeadership(cluster, "n2");
      }
      traffic(cluster, "follower");
      phase("n1 served as a follower");
      transferLeadership(cluster, "n1");
      traffic(cluster, "leader");
      phase("n1 served as the leader");
      for (LocalNode n : nodes) {
        for (String path : List.of("/api/v1/node", "/api/v1/cluster", "/q/metrics")) {
          n.get(path, Duration.ofSeconds(10));
        }
      }
    } finally {
      cluster.close();
    }
    phase("stopped, archive written");
    if (!Files.isRegularFile(recording)) {
      throw new IOException("n1 wrote no archive at its exit");
    }
    Files.move(recording, archive, StandardCopyOption.REPLACE_EXISTING);
    return archive;
  }

  /** Events in every priority, each id sent twice (the second a duplicate), then read back. */
  private static void traffic(LocalCluster cluster, String phase) throws Exception {
    List<CompletableFuture<Long>> acks = new ArrayList<>();
    try (Producer producer = new Producer(Producer.Settings.defaults(cluster.clientEndpoints()))) {
      Priority[] priorities = Priority.values();
      for (int i = 0; i < EVENTS; i++) {
        byte[] payload = ("training event " + i).getBytes(StandardCharsets.UTF_8);
        Event e =
            Event.of(phase + "-" + (i / 2), TOPIC, priorities[i % priorities.length], payload);
        acks.add(producer.send(e));
      }
      producer.flush();
    }
    // Training, not a test: a refused or shed event has exercised its path as well.
    CompletableFuture.allOf(
            acks.stream()
                .map(a -> a.handle((offset, error) -> null))
                .toArray(CompletableFuture[]::new))
        .join();
    try (Consumer consumer = new Consumer(cluster.clientEndpoints(), TOPIC, 0)) {
      consumer.readToEnd(Duration.ofMillis(500));
    }
  }

  private static void phase(String what) {
    System.out.printf("esc: class-data training: %s at %tT%n", what, System.currentTimeMillis());
  }

  /**
   * Asks the leader (other nodes answer with a redirect to it) to hand leadership to {@code to}.
   */
  private static void transferLeadership(LocalCluster cluster, String to) throws Exception {
    var answer =
        cluster
            .awaitLeader(READY)
            .postJson(
                "/api/v1/cluster/leadership",
                "{\"to\":\"" + to + "\",\"timeoutMs\":30000}",
                Duration.ofSeconds(40));
    if (answer.statusCode() != 200) {
      throw new IOException("leadership to " + to + ": " + answer.statusCode() + answer.body());
    }
  }
}
