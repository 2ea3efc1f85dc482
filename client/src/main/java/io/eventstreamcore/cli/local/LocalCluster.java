package io.eventstreamcore.cli.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eventstreamcore.security.ClusterMaterial;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A Raft group of engine-node processes on 127.0.0.1. Node i (1-based) listens on {@code base + i -
 * 1} for clients, {@code + 1010} for HTTP and {@code + 2800} for Raft, and keeps its data in {@code
 * dir/n<i>}.
 */
public final class LocalCluster implements AutoCloseable {
  public static final int HTTP_OFFSET = 1010;
  public static final int RAFT_OFFSET = 2800;

  /** Where a node's Hazelcast member listens by default: its Raft port + 100 (NodeConfig). */
  public static final int HAZELCAST_OFFSET = RAFT_OFFSET + 100;

  /**
   * Entries a follower may lag the leader's log and still count as caught up, so that the next
   * fault a test or benchmark injects is a single fault.
   */
  public static final long CAUGHT_UP_LAG = 50;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern ROLE = Pattern.compile("\"role\"\\s*:\\s*\"([A-Z]+)\"");

  private final List<LocalNode> nodes;

  private LocalCluster(List<LocalNode> nodes) {
    this.nodes = nodes;
  }

  /**
   * A cluster in {@code dir}; secured (TLS and authentication) when {@code dir/}{@value #SECURITY}
   * holds a cluster's material, which {@link #secure} creates.
   */
  public static LocalCluster of(Path dir, int size, int basePort, List<String> extraProperties) {
    ClusterMaterial material = new ClusterMaterial(dir.resolve(SECURITY));
    boolean secured = material.exists();
    if (size < 1 || size > 7 || size % 2 == 0) {
      throw new IllegalArgumentException("a cluster has an odd number of nodes, 1..7; got " + size);
    }
    List<String> peers = new ArrayList<>();
    for (int i = 1; i <= size; i++) {
      int client = basePort + i - 1;
      peers.add(
          LocalNode.peerEntry(
              "n" + i, "127.0.0.1", client + RAFT_OFFSET, client, client + HTTP_OFFSET));
    }
    Path jar = LocalNode.defaultNodeJar();
    List<LocalNode> nodes = new ArrayList<>();
    for (int i = 1; i <= size; i++) {
      int client = basePort + i - 1;
      LocalNode.Spec spec =
          new LocalNode.Spec(
              "n" + i,
              dir.resolve("n" + i),
              "127.0.0.1",
              client,
              client + HTTP_OFFSET,
              client + RAFT_OFFSET,
              peers,
              secured
                  ? withAll(extraProperties, material.nodeProperties("n" + i))
                  : extraProperties);
      nodes.add(new LocalNode(spec, jar));
    }
    return new LocalCluster(List.copyOf(nodes));
  }

  /** A cluster of nodes the caller laid out itself, e.g. each in a network namespace. */
  public static LocalCluster of(List<LocalNode> nodes) {
    return new LocalCluster(List.copyOf(nodes));
  }

  /** Where in a cluster's folder its CA, certificates and credentials are. */
  public static final String SECURITY = "security";

  /** Creates the security material of a cluster in {@code dir}, unless it has some already. */
  public static ClusterMaterial secure(Path dir, int size) throws IOException {
    ClusterMaterial m = new ClusterMaterial(dir.resolve(SECURITY));
    if (!m.exists()) {
      Map<String, String> hosts = new LinkedHashMap<>();
      for (int i = 1; i <= size; i++) {
        hosts.put("n" + i, "127.0.0.1");
      }
      ClusterMaterial.create(m.dir(), "local", hosts);
    }
    return m;
  }

  private static List<String> withAll(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  /** Deletes a cluster's folder, for commands that start from nothing. */
  public static void wipe(Path dir) throws IOException {
    if (Files.exists(dir)) {
      try (Stream<Path> all = Files.walk(dir)) {
        for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
  }

  public List<LocalNode> nodes() {
    return nodes;
  }

  public LocalNode node(String id) {
    return nodes.stream().filter(n -> n.spec().id().equals(id)).findFirst().orElseThrow();
  }

  public List<String> clientEndpoints() {
    return nodes.stream().map(n -> n.spec().clientEndpoint()).toList();
  }

  public void start() throws IOException {
    for (LocalNode n : nodes) {
      n.start();
    }
  }

  public void awaitReady(Duration timeout) throws IOException, InterruptedException {
    for (LocalNode n : nodes) {
      if (n.isRunning()) {
        n.awaitReady(timeout);
      }
    }
  }

  /** The running node that reports itself LEADER, if one does now. */
  public Optional<LocalNode> leader() {
    return nodes.stream().filter(LocalNode::isRunning).filter(LocalCluster::isLeader).findFirst();
  }

  /** Whether the node reports itself leader on its HTTP API (elected; maybe not yet writing). */
  public static boolean isLeader(LocalNode n) {
    return "LEADER".equals(role(n));
  }

  public LocalNode awaitLeader(Duration timeout) throws InterruptedException, TimeoutException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      Optional<LocalNode> leader = leader();
      if (leader.isPresent()) {
        return leader.get();
      }
      Thread.sleep(20);
    }
    throw new TimeoutException("no leader within " + timeout);
  }

  /**
   * Waits until the leader reports every member within {@code maxLag} entries of its log. Until
   * then a fault is not a single fault: a quorum of the leader and a follower still copying what it
   * missed commits only as fast as that follower catches up.
   */
  public void awaitFollowersCaughtUp(long maxLag, Duration timeout)
      throws InterruptedException, TimeoutException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      try {
        LocalNode leader = awaitLeader(Duration.ofNanos(deadline - System.nanoTime()));
        JsonNode view = JSON.readTree(leader.get("/api/v1/cluster", Duration.ofSeconds(2)).body());
        boolean caughtUp = true;
        for (JsonNode member : view.path("members")) {
          caughtUp &= member.path("lag").asLong(Long.MAX_VALUE) <= maxLag;
        }
        if (caughtUp) {
          return;
        }
      } catch (IOException e) {
        // The leader changed or is busy: ask again.
      }
      Thread.sleep(100);
    }
    throw new TimeoutException("followers not within " + maxLag + " entries after " + timeout);
  }

  /**
   * A base port at which a cluster of {@code size} nodes finds its client, HTTP, Raft and Hazelcast
   * (100 above Raft) ports free on this machine.
   */
  public static int freeBasePort(int size) throws IOException {
    for (int attempt = 0; attempt < 50; attempt++) {
      int base = ThreadLocalRandom.current().nextInt(20_000, 30_000);
      if (allFree(base, size)) {
        return base;
      }
    }
    throw new IOException("no free port range found");
  }

  private static boolean allFree(int base, int size) {
    for (int offset : new int[] {0, HTTP_OFFSET, RAFT_OFFSET, HAZELCAST_OFFSET}) {
      for (int i = 0; i < size; i++) {
        try (ServerSocket s = new ServerSocket(base + offset + i)) {
          s.setReuseAddress(true);
        } catch (IOException e) {
          return false;
        }
      }
    }
    return true;
  }

  /** The role a node reports on its HTTP API, or "DOWN" when it does not answer. */
  public static String role(LocalNode n) {
    try {
      HttpResponse<String> r = n.get("/api/v1/node", Duration.ofSeconds(1));
      Matcher m = ROLE.matcher(r.body());
      return m.find() ? m.group(1) : "UNKNOWN";
    } catch (IOException e) {
      return "DOWN";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "DOWN";
    }
  }

  @Override
  public void close() throws InterruptedException {
    for (LocalNode n : nodes) {
      n.stop();
    }
  }
}
