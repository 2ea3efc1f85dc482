package io.eventstreamcore.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eventstreamcore.cli.local.LocalCluster;
import io.eventstreamcore.cli.local.LocalNode;
import io.eventstreamcore.client.Producer;
import io.eventstreamcore.protocol.Event;
import io.eventstreamcore.protocol.Priority;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The aggregates processor runs on the leader; the leader is killed (kill -9) while it counts. The
 * new leader resumes from the last checkpoint, and once the log is settled the total counts every
 * committed event: at least once as the SPI promises, and here exactly once, because the
 * aggregates' state is checkpointed together with their positions.
 */
class ProcessorFailoverIT {
  private static final String TOPIC = "counted";

  /** Paced so that the producer is still sending while the killed leader restarts. */
  private static final int SENDS = 40_000;

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path dir;

  @Test
  void aggregatesCountEveryCommittedEventAfterTheLeaderIsKilled() throws Exception {
    LocalCluster cluster =
        LocalCluster.of(
            dir,
            3,
            Nodes.freeBasePort(3),
            List.of(
                "esc.processors.aggregates.topics=" + TOPIC,
                "esc.processors.checkpoint-interval=200ms"));
    Set<String> acked = ConcurrentHashMap.newKeySet();
    AtomicBoolean stop = new AtomicBoolean();
    try (cluster) {
      cluster.start();
      cluster.awaitReady(Duration.ofSeconds(90));
      Thread producing = new Thread(() -> produce(cluster, acked, stop));
      producing.start();
      awaitAcked(acked, 3_000);
      LocalNode leader = cluster.awaitLeader(Duration.ofSeconds(30));
      leader.kill();
      awaitAcked(acked, acked.size() + 2_000);
      leader.start();
      leader.awaitReady(Duration.ofSeconds(90));
      awaitAcked(acked, acked.size() + 1_000);
      stop.set(true);
      producing.join(90_000);

      List<String> log = Nodes.converged(cluster, TOPIC).get(0);
      assertThat(log).containsAll(acked);
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      long counted = -1;
      while (counted < log.size()) {
        assertThat(System.nanoTime())
            .as("aggregates reach %d, at %d", log.size(), counted)
            .isLessThan(deadline);
        Thread.sleep(200);
        counted = counted(cluster.awaitLeader(Duration.ofSeconds(30)));
      }
      assertThat(counted).as("counted once each").isEqualTo(log.size());
    } finally {
      stop.set(true);
      Nodes.killAll(cluster);
    }
  }

  private static void produce(LocalCluster cluster, Set<String> acked, AtomicBoolean stop) {
    try (Producer p = new Producer(Producer.Settings.defaults(cluster.clientEndpoints()))) {
      List<CompletableFuture<Long>> sends = new ArrayList<>();
      for (int i = 0; i < SENDS && !stop.get(); i++) {
        String id = "e-" + i;
        sends.add(
            p.send(Event.of(id, TOPIC, Priority.HIGH, new byte[16]))
                .whenComplete(
                    (offset, error) -> {
                      if (error == null) {
                        acked.add(id);
                      }
                    }));
        if (i % 100 == 99) {
          Thread.sleep(50);
        }
      }
      CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new))
          .exceptionally(e -> null)
          .get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The leader's total for the topic, or -1 while it is resuming (or the leader just changed). */
  private static long counted(LocalNode leader) throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(leader.spec().httpUrl() + "/api/v1/aggregates"))
                    .timeout(Duration.ofSeconds(5))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      return -1;
    }
    JsonNode total = JSON.readTree(r.body()).at("/topics/" + TOPIC + "/events");
    return total.isMissingNode() ? 0 : total.asLong();
  }

  private static void awaitAcked(Set<String> acked, int atLeast) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (acked.size() < Math.min(atLeast, SENDS)) {
      assertThat(System.nanoTime()).as("%d acknowledged", atLeast).isLessThan(deadline);
      Thread.sleep(20);
    }
  }
}
