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
import java.util.concurrent.TimeUnit;

/**
 * The engine node's class data for the runtime the nodes run on ({@link NodeRuntime}): made once by
 * a training run of a three-node cluster at build time, and used by every node this machine starts.
 * On JDK 25 and later it is an AOT cache (classes loaded and linked, and method profiles), on JDK
 * 17 a class-data archive (AppCDS, classes only).
 *
 * <p>Why: a node that starts next to loaded peers on two vCPUs spends most of its first seconds
 * loading and linking classes (the JVM, Quarkus, Hazelcast, Ratis, gRPC); after two of three nodes
 * were killed, the restarted ones took 9–15 s to their first Raft election, and the one that won
 * lost its first term while it loaded Ratis's leader side. An archive maps those classes in
 * pre-parsed, and an AOT cache's profiles let the JIT compile the hot path sooner, so a fresh
 * cluster reaches its warm speed in fewer events. Either is only valid for the exact JVM build and
 * the exact jars it was made with, so it cannot ship: it is made here by {@link #main} (the {@code
 * client} module runs it at {@code package}), and a JVM that finds it stale ignores it with a
 * warning and starts as before. See ADRs 0023 and 0038.
 */
public final class NodeClassData {
  private static final String TOPIC = "training";
  private static final int EVENTS = 20_000;
  private static final Duration READY = Duration.ofSeconds(180);
  private static final Duration AOT_CREATE = Duration.ofSeconds(300);

  private NodeClassData() {}

  /**
   * Where the archive for the nodes' runtime lives: beside the node's jar, named by the runtime's
   * version, an AOT cache ({@code .aot}) on a runtime that keeps one, else a class-data archive.
   */
  public static Path archiveFor(Path nodeJar, NodeRuntime runtime) {
    String name = "esc-node-" + runtime.fileTag() + (runtime.keepsAotCache() ? ".aot" : ".jsa");
    return nodeJar.toAbsolutePath().normalize().resolveSibling(name);
  }

  /** JVM options that use the archive, or none when this machine has not made one. */
  static List<String> useOptions(Path nodeJar, NodeRuntime runtime) {
    Path archive = archiveFor(nodeJar, runtime);
    if (!Files.isRegularFile(archive)) {
      return List.of();
    }
    return List.of(
        (runtime.keepsAotCache() ? "-XX:AOTCache=" : "-XX:SharedArchiveFile=") + archive);
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
    NodeRuntime runtime = NodeRuntime.select();
    Path archive = archiveFor(nodeJar, runtime);
    // A JVM cannot record on top of an archive it uses; the old one is replaced anyway.
    Files.deleteIfExists(archive);
    Path recording = work.resolve(runtime.keepsAotCache() ? "n1.aotconf" : "n1.jsa");
    System.setProperty("esc.node.app", nodeJar.toString());
    LocalCluster base = LocalCluster.of(work, 3, LocalCluster.freeBasePort(3), List.of());
    List<LocalNode> nodes = new ArrayList<>(base.nodes());
    nodes.set(0, nodes.get(0).withJvmOptions(recordOptions(runtime, recording)));
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
    phase("stopped, n1's recording written");
    if (!Files.isRegularFile(recording)) {
      throw new IOException("n1 wrote no recording at its exit");
    }
    if (runtime.keepsAotCache()) {
      createAotCache(runtime, nodeJar, recording, archive);
    } else {
      Files.move(recording, archive, StandardCopyOption.REPLACE_EXISTING);
    }
    return archive;
  }

  /**
   * What n1 records: on JDK 17 the classes it loaded, written as the archive at its exit; on a
   * runtime with an AOT cache, its classes and method profiles, from which {@link #createAotCache}
   * then makes the cache. Two steps rather than JDK 25's one ({@code -XX:AOTCacheOutput}), whose
   * exiting JVM assembles the cache in a child process for longer than a node is given to stop.
   */
  private static List<String> recordOptions(NodeRuntime runtime, Path recording) {
    return runtime.keepsAotCache()
        ? List.of("-XX:AOTMode=record", "-XX:AOTConfiguration=" + recording)
        : List.of("-XX:ArchiveClassesAtExit=" + recording);
  }

  /** Runs the JDK's cache assembly over n1's recording, with the options every node runs with. */
  private static void createAotCache(
      NodeRuntime runtime, Path nodeJar, Path recording, Path archive) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(runtime.java().toString());
    cmd.addAll(LocalNode.jvmOptions(runtime, System.getenv(LocalNode.NODE_JAVA_OPTS)));
    cmd.addAll(
        List.of(
            "-XX:AOTMode=create",
            "-XX:AOTConfiguration=" + recording,
            "-XX:AOTCache=" + archive,
            "-jar",
            nodeJar.toAbsolutePath().toString()));
    Path log = recording.resolveSibling("aot-create.log");
    Process create =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()))
            .start();
    if (!create.waitFor(AOT_CREATE.toSeconds(), TimeUnit.SECONDS)) {
      create.destroyForcibly();
      throw new IOException("AOT cache assembly took longer than " + AOT_CREATE + "; see " + log);
    }
    if (create.exitValue() != 0 || !Files.isRegularFile(archive)) {
      throw new IOException("AOT cache assembly failed (exit " + create.exitValue() + "); " + log);
    }
    phase("AOT cache assembled");
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
