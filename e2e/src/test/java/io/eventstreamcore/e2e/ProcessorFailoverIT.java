package io.eventstreamcore.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eventstreamcore.cli.local.LocalCluster;
import io.eventstreamcore.cli.local.LocalNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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
            LocalCluster.freeBasePort(3),
            List.of(
                "esc.processors.aggregates.topics=" + TOPIC,
                "esc.processors.checkpoint-interval=200ms"));
    PacedLoad load = new PacedLoad(cluster.clientEndpoints(), TOPIC, SENDS, 100, 50, 16);
    try (cluster) {
      cluster.start();
      cluster.awaitReady(Duration.ofSeconds(90));
      load.start();
      load.awaitAcked(3_000);
      LocalNode leader = cluster.awaitLeader(Duration.ofSeconds(30));
      leader.kill();
      load.awaitAcked(load.acked().size() + 2_000);
      leader.start();
      leader.awaitReady(Duration.ofSeconds(90));
      load.awaitAcked(load.acked().size() + 1_000);
      load.stop();

      List<String> log = Nodes.converged(cluster, TOPIC).get(0);
      assertThat(log).containsAll(load.acked().keySet());
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
      load.stop();
      Nodes.killAll(cluster);
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
}
