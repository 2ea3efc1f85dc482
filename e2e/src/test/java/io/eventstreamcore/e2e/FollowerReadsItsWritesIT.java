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
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * A write made through a follower is in that follower's reads as soon as it is acknowledged. The
 * follower passes the write on to the leader; without commit-index entries in the Raft log (ADR
 * 0034) it would learn of the commit only with the leader's next heartbeat, so a read right after
 * the acknowledgement could miss the write. Each write here is read back at once, with no wait.
 */
class FollowerReadsItsWritesIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TOPIC = "read-your-writes";
  private static final int WRITES = 40;

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path dir;

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @Test
  void aWriteAcknowledgedByAFollowerIsInItsNextRead() throws Exception {
    LocalCluster cluster = LocalCluster.of(dir, 3, LocalCluster.freeBasePort(3), List.of());
    try {
      cluster.start();
      cluster.awaitReady(Duration.ofSeconds(90));
      LocalNode leader = cluster.awaitLeader(Duration.ofSeconds(30));
      LocalNode follower =
          cluster.nodes().stream().filter(n -> n != leader).findFirst().orElseThrow();
      for (int i = 0; i < WRITES; i++) {
        String id = "w-" + i;
        JsonNode answer = produce(follower, id);
        assertThat(answer.path("results").path(0).path("status").asText())
            .as("the answer to %s: %s", id, answer)
            .isEqualTo("OK");
        long offset = answer.path("results").path(0).path("offset").asLong();
        assertThat(idsFrom(follower, offset))
            .as("%s's read of offset %d right after acknowledging it", follower.spec().id(), offset)
            .startsWith(id);
      }
    } finally {
      Nodes.killAll(cluster);
    }
  }

  private JsonNode produce(LocalNode node, String id) throws Exception {
    String body =
        JSON.writeValueAsString(
            List.of(JSON.createObjectNode().put("id", id).put("payload", "payload of " + id)));
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(node.spec().httpUrl() + "/api/v1/topics/" + TOPIC + "/events"))
                .header("content-type", "application/json")
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    return JSON.readTree(r.body());
  }

  private List<String> idsFrom(LocalNode node, long offset) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(
                        node.spec().httpUrl()
                            + "/api/v1/topics/"
                            + TOPIC
                            + "/events?from="
                            + offset
                            + "&max=10"))
                .timeout(Duration.ofSeconds(30))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    List<String> ids = new ArrayList<>();
    JSON.readTree(r.body()).path("events").forEach(e -> ids.add(e.path("id").asText()));
    return ids;
  }
}
