package io.eventstreamcore.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.eventstreamcore.cli.local.LocalCluster;
import io.eventstreamcore.cli.local.LocalNode;
import io.eventstreamcore.client.EscException;
import io.eventstreamcore.client.Producer;
import io.eventstreamcore.protocol.ErrorCode;
import io.eventstreamcore.protocol.Event;
import io.eventstreamcore.protocol.Priority;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cluster whose data volumes fill up (64 MiB tmpfs mounts, 10 KiB events), as issue 20 found it:
 * producers must get a clear, retryable STORAGE_FULL instead of timeouts, readiness must say so,
 * nothing acknowledged may be lost or stored twice, and once space is freed the nodes must take
 * events again by themselves, without a restart.
 */
class DiskFullIT {
  private static final String TOPIC = "full";
  private static final int VOLUME_MIB = 64;
  private static final int BALLAST_BYTES = 12 << 20;
  private static final long MIN_FREE_BYTES = 12L << 20;
  private static final int FOLLOWER_EXTRA_BALLAST_BYTES = 24 << 20;
  private static final byte[] PAYLOAD = new byte[10 << 10];
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path dir;

  private final SmallVolumes volumes = new SmallVolumes();
  private final List<Path> ballast = new ArrayList<>();
  private final Map<String, Long> acked = new LinkedHashMap<>();
  private LocalCluster cluster;

  /** Three nodes, each on a 64 MiB volume of its own that 12 MiB of ballast already fill. */
  private void startOnSmallVolumes() throws Exception {
    assumeTrue(SmallVolumes.supported(dir.resolve("probe")), "tmpfs cannot be mounted here");
    for (int i = 1; i <= 3; i++) {
      Path volume = dir.resolve("n" + i);
      volumes.mount(volume, VOLUME_MIB);
      ballast.add(SmallVolumes.ballast(volume, BALLAST_BYTES));
    }
    cluster =
        LocalCluster.of(
            dir,
            3,
            LocalCluster.freeBasePort(3),
            List.of("esc.store.min-free-bytes=" + MIN_FREE_BYTES));
    cluster.start();
    cluster.awaitReady(Duration.ofSeconds(90));
  }

  @AfterEach
  void stopAndUnmount() throws Exception {
    try {
      if (cluster != null) {
        Nodes.killAll(cluster);
        keepNodeLogs();
      }
    } finally {
      volumes.close();
    }
  }

  @Test
  void aFullVolumeRefusesEventsClearlyAndTakesThemAgainOnceSpaceReturns() throws Exception {
    startOnSmallVolumes();
    Set<ErrorCode> refusals = EnumSet.noneOf(ErrorCode.class);
    String fullMessage = fillUntilRefused(refusals);
    assertThat(refusals)
        .as("how writes to a full volume were refused")
        .containsOnly(ErrorCode.STORAGE_FULL);
    assertThat(fullMessage).contains("data volume is full");
    assertThat(acked).as("events stored before the volume filled").hasSizeGreaterThan(500);
    LocalNode leader = cluster.awaitLeader(Duration.ofSeconds(10));
    HttpResponse<String> viaHttp =
        HTTP.send(
            HttpRequest.newBuilder(
                    URI.create(leader.spec().httpUrl() + "/api/v1/topics/" + TOPIC + "/events"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"id\":\"http-1\"}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(viaHttp.statusCode()).as(viaHttp.body()).isEqualTo(507);
    assertThat(viaHttp.body()).contains("storage full: ").contains("MiB free");
    HttpResponse<String> ready = leader.get("/q/health/ready", Duration.ofSeconds(10));
    assertThat(ready.statusCode()).isEqualTo(503);
    assertThat(ready.body()).contains("storage full");

    freeSpaceAndProduce100More();
    cluster.awaitReady(Duration.ofSeconds(30));
    assertLogsHoldEveryAckOnce();
  }

  @Test
  void aFollowerWhoseVolumeFillsFirstCatchesUpOnceSpaceReturns() throws Exception {
    startOnSmallVolumes();
    LocalNode leader = cluster.awaitLeader(Duration.ofSeconds(10));
    LocalNode follower = cluster.nodes().stream().filter(n -> n != leader).findFirst().get();
    // The follower's volume fills well before the leader's, past its own reserve: its Raft log
    // and store writes fail with ENOSPC while the other two still commit.
    Path more = follower.spec().dataDir().resolve("ballast-2");
    Files.write(more, new byte[FOLLOWER_EXTRA_BALLAST_BYTES]);
    ballast.add(more);

    Set<ErrorCode> refusals = EnumSet.noneOf(ErrorCode.class);
    fillUntilRefused(refusals);
    assertThat(refusals).containsOnly(ErrorCode.STORAGE_FULL);
    assertThat(follower.ready()).as("a follower with a full volume is ready").isFalse();

    freeSpaceAndProduce100More();
    await(follower.spec().id() + " is ready again without a restart")
        .atMost(Duration.ofSeconds(60))
        .until(follower::ready);
    assertLogsHoldEveryAckOnce();
  }

  /**
   * Deletes the ballast, then 100 events, retried as a producer would, must all be stored. The
   * freed 12 MiB leave about 11 MiB above the reserve: after 300 events of 10 KiB a CI run's leader
   * reported 11 MiB free again and was rightly not ready (the store and the Raft log hold about 6
   * MiB of them; the rest was not traced).
   */
  private void freeSpaceAndProduce100More() throws Exception {
    for (Path b : ballast) {
      Files.delete(b);
    }
    try (Producer p = new Producer(Producer.Settings.defaults(cluster.clientEndpoints()))) {
      List<CompletableFuture<Long>> sent = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        String id = "after-" + i;
        sent.add(p.send(event(id)).thenApply(offset -> record(id, offset)));
      }
      CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    }
  }

  /** The node logs live on the volumes, which go when the test ends: copies stay for a failure. */
  private void keepNodeLogs() throws IOException {
    for (LocalNode n : cluster.nodes()) {
      Path log = n.spec().dataDir().resolve("node.log");
      if (Files.exists(log)) {
        Files.copy(log, dir.resolve(n.spec().id() + "-node.log"));
      }
    }
  }

  private void assertLogsHoldEveryAckOnce() throws Exception {
    List<List<String>> logs = Nodes.converged(cluster, TOPIC);
    String layout = layout(logs);
    for (List<String> log : logs) {
      assertThat(log)
          .as("every node's log (%s)", layout)
          .isEqualTo(logs.get(0))
          .doesNotHaveDuplicates();
    }
    for (Map.Entry<String, Long> a : acked.entrySet()) {
      assertThat(logs.get(0).get(a.getValue().intValue()))
          .as("the event acknowledged at offset %d", a.getValue())
          .isEqualTo(a.getKey());
    }
  }

  /**
   * Produces 10 KiB events, 50 at a time without retries, until the cluster refuses them or 4,000
   * were sent.
   *
   * @return the message of the first refusal
   */
  private String fillUntilRefused(Set<ErrorCode> refusals) throws Exception {
    String first = null;
    try (Producer p =
        new Producer(Producer.Settings.defaults(cluster.clientEndpoints()).withoutRetries())) {
      for (int round = 0; round < 80 && first == null; round++) {
        List<CompletableFuture<?>> sent = new ArrayList<>();
        List<String> messages = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
          String id = "e-" + round + "-" + i;
          sent.add(
              p.send(event(id))
                  .handle(
                      (offset, error) -> {
                        if (error == null) {
                          return record(id, offset);
                        }
                        EscException e = EscException.of(error);
                        synchronized (refusals) {
                          refusals.add(e.code());
                          messages.add(e.getMessage());
                        }
                        return null;
                      }));
        }
        CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        synchronized (refusals) {
          first = messages.isEmpty() ? null : messages.get(0);
        }
      }
    }
    return first;
  }

  /**
   * Where each round of ids begins in every node's log and where its first acknowledgement put it,
   * e.g. {@code n1: e-0@0 e-1@50 …}: a CI run once saw two nodes' logs differ from offset 500 on,
   * and a dump of 2,000 ids did not say which rounds each node held or which were acknowledged.
   */
  private String layout(List<List<String>> logs) {
    StringBuilder out = new StringBuilder();
    for (int n = 0; n < logs.size(); n++) {
      out.append(cluster.nodes().get(n).spec().id()).append(':');
      String round = "";
      for (int offset = 0; offset < logs.get(n).size(); offset++) {
        String id = logs.get(n).get(offset);
        String r = id.substring(0, id.lastIndexOf('-'));
        if (!r.equals(round)) {
          out.append(' ').append(r).append('@').append(offset);
          round = r;
        }
      }
      out.append("; ");
    }
    out.append("acknowledged:");
    String round = "";
    for (Map.Entry<String, Long> a : acked.entrySet()) {
      String r = a.getKey().substring(0, a.getKey().lastIndexOf('-'));
      if (!r.equals(round)) {
        out.append(' ').append(r).append('@').append(a.getValue());
        round = r;
      }
    }
    return out.append(" (").append(acked.size()).append(" in all)").toString();
  }

  private synchronized Long record(String id, long offset) {
    acked.put(id, offset);
    return offset;
  }

  private static Event event(String id) {
    return Event.of(id, TOPIC, Priority.HIGH, PAYLOAD);
  }
}
