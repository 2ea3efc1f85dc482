package io.eventstreamcore.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.eventstreamcore.cli.local.LocalCluster;
import io.eventstreamcore.cli.local.LocalNode;
import io.eventstreamcore.client.Consumer;
import io.eventstreamcore.protocol.Record;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** Engine-node processes on loopback with free ports, and what tests read back from them. */
final class Nodes {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private Nodes() {}

  /**
   * Waits until the node's readiness answer contains {@code detail} (e.g. the dedup member state
   * {@code "members 3, backups in sync"}); on time-out the failure shows the last answer.
   */
  static void awaitReadiness(LocalNode node, String detail, Duration within) {
    await()
        .atMost(within)
        .pollInterval(Duration.ofMillis(200))
        .untilAsserted(
            () ->
                assertThat(node.get("/q/health/ready", Duration.ofSeconds(5)).body())
                    .as("readiness of %s", node.spec().id())
                    .contains(detail));
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  static LocalNode single(Path dataDir, String... extraProperties) throws IOException {
    int client = freePort();
    int http = freePort();
    int raft = freePort();
    String peer = LocalNode.peerEntry("n1", "127.0.0.1", raft, client, http);
    LocalNode.Spec spec =
        new LocalNode.Spec(
            "n1",
            dataDir,
            "127.0.0.1",
            client,
            http,
            raft,
            List.of(peer),
            List.of(extraProperties));
    return new LocalNode(spec, LocalNode.defaultNodeJar());
  }

  /** kill -9 of every node: the fast way out of a test, whatever state it left. */
  static void killAll(LocalCluster cluster) throws InterruptedException {
    for (LocalNode n : cluster.nodes()) {
      n.kill();
    }
  }

  /** Every node's event ids in offset order, once all nodes hold the same number (or 60 s). */
  static List<List<String>> converged(LocalCluster cluster, String topic) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (true) {
      List<List<String>> logs = new ArrayList<>();
      for (LocalNode n : cluster.nodes()) {
        logs.add(readIds(n.spec().clientEndpoint(), topic));
      }
      boolean sameLength = logs.stream().mapToInt(List::size).distinct().count() == 1;
      if (sameLength || System.nanoTime() > deadline) {
        return logs;
      }
      Thread.sleep(200);
    }
  }

  static List<String> readIds(String endpoint, String topic) throws Exception {
    List<String> ids = new ArrayList<>();
    try (Consumer consumer = new Consumer(List.of(endpoint), topic, 0)) {
      for (Record r : consumer.readToEnd(Duration.ZERO)) {
        if (r.offset() != ids.size()) {
          throw new AssertionError(
              endpoint + " served offset " + r.offset() + " after " + ids.size());
        }
        ids.add(r.event().idAsString());
      }
    }
    return ids;
  }

  /** Deletes a directory and everything in it, if it exists: a volume that is gone. */
  static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> all = Files.walk(root)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  /** A Prometheus sample of the node, summed over its labels. */
  static double metric(LocalNode node, String name) throws Exception {
    String text =
        HTTP.send(
                HttpRequest.newBuilder(URI.create(node.spec().httpUrl() + "/q/metrics"))
                    .timeout(Duration.ofSeconds(5))
                    .build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    double sum = 0;
    for (String line : text.split("\n")) {
      if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
        sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return sum;
  }
}
