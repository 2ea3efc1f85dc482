package io.eventstreamcore.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Raft amnesia: a member whose storage comes back empty while the group still counts it (a lost or
 * wiped volume) must not start as the member it was, because its empty log would vote as if it held
 * what it acknowledged. It refuses to start with the "storage unreadable" report the operator acts
 * on; once removed from the group it starts again as a new member, is added, catches up and votes.
 */
class LostLogIT {
  private static final String TOPIC = "amnesia";
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path dir;

  @Test
  void aMemberThatLostItsLogRefusesToStartUntilItIsReplaced() throws Exception {
    LocalCluster cluster = LocalCluster.of(dir, 3, LocalCluster.freeBasePort(3), List.of());
    try (cluster) {
      cluster.start();
      cluster.awaitReady(Duration.ofSeconds(90));
      send(cluster.clientEndpoints(), 0, 500);
      LocalNode leader = cluster.awaitLeader(Duration.ofSeconds(30));
      LocalNode wiped = cluster.nodes().stream().filter(n -> n != leader).findFirst().get();
      String id = wiped.spec().id();

      wiped.kill();
      Nodes.deleteTree(wiped.spec().dataDir().resolve("raft"));
      Nodes.deleteTree(wiped.spec().dataDir().resolve("store"));
      wiped.start();
      await(id + " refuses to start on an empty log")
          .atMost(Duration.ofSeconds(60))
          .until(() -> !wiped.isRunning());
      assertThat(Files.readString(wiped.spec().dataDir().resolve("node.log")))
          .contains("esc: storage unreadable: no Raft storage")
          .contains("lost its log");
      send(cluster.clientEndpoints(), 500, 600);

      HttpResponse<String> removed =
          request(leader, "DELETE", "/api/v1/cluster/members/" + id, null);
      assertThat(removed.statusCode()).as(removed.body()).isEqualTo(200);
      wiped.start();
      await(id + " answers as a node outside the group")
          .atMost(Duration.ofSeconds(60))
          .ignoreExceptions()
          .until(() -> request(wiped, "GET", "/api/v1/cluster", null).statusCode() == 200);
      HttpResponse<String> added =
          request(
              leader,
              "POST",
              "/api/v1/cluster/members",
              "{\"peer\":\"" + wiped.spec().peerEntry() + "\"}");
      assertThat(added.statusCode()).as(added.body()).isEqualTo(200);
      await(id + " caught up as a learner")
          .atMost(Duration.ofSeconds(60))
          .until(() -> lagOf(leader, id) < 10);
      HttpResponse<String> promoted =
          request(leader, "POST", "/api/v1/cluster/members/" + id + "/promote", "");
      assertThat(promoted.statusCode()).as(promoted.body()).isEqualTo(200);

      leader.kill();
      LocalNode next = cluster.awaitLeader(Duration.ofSeconds(30));
      send(List.of(next.spec().clientEndpoint()), 600, 700);
      // Acknowledged means committed on both, not yet applied on this follower: it learns the
      // commit index with the leader's next append.
      await(id + " applied what was acknowledged")
          .atMost(Duration.ofSeconds(30))
          .until(() -> Nodes.readIds(wiped.spec().clientEndpoint(), TOPIC).size() >= 700);
      List<String> ids = Nodes.readIds(wiped.spec().clientEndpoint(), TOPIC);
      assertThat(ids)
          .as("%s holds the whole log and votes: without it one node could not commit", id)
          .hasSize(700)
          .doesNotHaveDuplicates();
    }
  }

  private static long lagOf(LocalNode leader, String id) throws Exception {
    JsonNode view = JSON.readTree(request(leader, "GET", "/api/v1/cluster", null).body());
    for (JsonNode m : view.path("members")) {
      if (m.path("id").asText().equals(id)) {
        return m.path("lag").asLong(Long.MAX_VALUE);
      }
    }
    return Long.MAX_VALUE;
  }

  private static void send(List<String> bootstrap, int from, int to) {
    try (Producer p = new Producer(Producer.Settings.defaults(bootstrap))) {
      List<CompletableFuture<Long>> acks = new ArrayList<>();
      for (int i = from; i < to; i++) {
        acks.add(p.send(Event.of("e-" + i, TOPIC, Priority.HIGH, new byte[32])));
      }
      CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).join();
    }
  }

  private static HttpResponse<String> request(LocalNode n, String method, String path, String body)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(n.spec().httpUrl() + path))
            .timeout(Duration.ofSeconds(30))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }
}
