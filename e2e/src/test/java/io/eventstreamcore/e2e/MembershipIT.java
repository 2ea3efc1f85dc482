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
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Grows a running three-node group to four through the admin API (a new node joins as a learner,
 * catches up from a purged log, is promoted), moves leadership to it, shrinks back to three by
 * removing an original member, and checks every node that stays holds the same events.
 */
class MembershipIT {
  private static final String TOPIC = "members";
  private static final HttpClient HTTP =
      HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path dir;

  @Test
  void growsToFourAndShrinksBackWithoutLosingEvents() throws Exception {
    int base = LocalCluster.freeBasePort(4);
    List<String> props = List.of("esc.raft.snapshot-threshold=50");
    LocalCluster cluster = LocalCluster.of(dir, 3, base, props);
    LocalNode n4 = joiningNode(cluster, base + 3, props);
    try (cluster;
        // Producers retry like real ones: on this 2-core machine a leader may step down during
        // the test (a 300 ms silence suffices), and a new leader refuses writes for a moment.
        Producer producer = new Producer(Producer.Settings.defaults(cluster.clientEndpoints()))) {
      cluster.start();
      cluster.awaitReady(Duration.ofSeconds(90));
      send(producer, 0, 5_000);
      LocalNode leader = cluster.leader().orElseThrow();
      LocalNode follower =
          cluster.nodes().stream().filter(n -> n != leader).findFirst().orElseThrow();

      assertThat(post(leader, "/api/v1/cluster/members", "{\"peer\":\"bad\"}").statusCode())
          .isEqualTo(400);
      assertThat(post(leader, "/api/v1/cluster/members/n9/promote", "").statusCode())
          .isEqualTo(404);
      assertThat(delete(leader, "/api/v1/cluster/members/" + leader.spec().id()).statusCode())
          .as("the leader cannot remove itself")
          .isEqualTo(409);

      n4.start();
      awaitAnswering(n4);
      HttpResponse<String> added =
          post(follower, "/api/v1/cluster/members", "{\"peer\":\"" + n4.spec().peerEntry() + "\"}");
      assertThat(added.statusCode()).as(added.body()).isEqualTo(200);
      assertThat(roleOf(cluster(leader), "n4")).as(added.body()).isEqualTo("LEARNER");
      n4.awaitReady(Duration.ofSeconds(90));
      await(leader, c -> member(c, "n4").path("lag").asLong(Long.MAX_VALUE) < 100);
      HttpResponse<String> promoted = post(leader, "/api/v1/cluster/members/n4/promote", "");
      assertThat(promoted.statusCode()).as(promoted.body()).isEqualTo(200);
      assertThat(roleOf(cluster(leader), "n4")).isEqualTo("FOLLOWER");
      send(producer, 5_000, 6_000);

      // Ratis may answer a transfer DIFFERENT_LEADER when an election races it, and a follower
      // knows no leader until that election ends (503 either way); callers retry, as this does
      // for up to 20 s.
      HttpResponse<String> moved = post(follower, "/api/v1/cluster/leadership", "{\"to\":\"n4\"}");
      long retryUntil = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (moved.statusCode() == 503 && System.nanoTime() < retryUntil) {
        moved = post(follower, "/api/v1/cluster/leadership", "{\"to\":\"n4\"}");
      }
      assertThat(moved.statusCode()).as(moved.body()).isEqualTo(200);
      assertThat(cluster(n4).path("leader").asText()).isEqualTo("n4");

      HttpResponse<String> removed = delete(n4, "/api/v1/cluster/members/" + follower.spec().id());
      assertThat(removed.statusCode()).as(removed.body()).isEqualTo(200);
      assertThat(cluster(n4).path("members")).hasSize(3);
      follower.kill();
      try (Producer remaining =
          new Producer(
              Producer.Settings.defaults(
                  List.of(leader.spec().clientEndpoint(), n4.spec().clientEndpoint())))) {
        send(remaining, 6_000, 7_000);
      }

      List<String> expected = Nodes.readIds(n4.spec().clientEndpoint(), TOPIC);
      assertThat(expected).hasSize(7_000).doesNotHaveDuplicates();
      for (LocalNode n : List.of(leader, n4)) {
        assertThat(Nodes.readIds(n.spec().clientEndpoint(), TOPIC)).isEqualTo(expected);
      }
    } finally {
      n4.kill();
      Nodes.killAll(cluster);
    }
  }

  private LocalNode joiningNode(LocalCluster cluster, int client, List<String> props) {
    int http = client + LocalCluster.HTTP_OFFSET;
    int raft = client + LocalCluster.RAFT_OFFSET;
    List<String> peers = new ArrayList<>(cluster.nodes().get(0).spec().peers());
    peers.add(LocalNode.peerEntry("n4", "127.0.0.1", raft, client, http));
    List<String> extra = new ArrayList<>(props);
    // As the operator's pods do: n4 is not a founder, so it starts outside the group and waits.
    extra.add("esc.raft.bootstrap-members=n1,n2,n3");
    return new LocalNode(
        new LocalNode.Spec("n4", dir.resolve("n4"), "127.0.0.1", client, http, raft, peers, extra),
        LocalNode.defaultNodeJar());
  }

  private static void send(Producer producer, int from, int to) {
    List<CompletableFuture<Long>> acks = new ArrayList<>();
    for (int i = from; i < to; i++) {
      acks.add(producer.send(Event.of("e-" + i, TOPIC, Priority.MEDIUM, new byte[64])));
    }
    CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).join();
  }

  private static JsonNode cluster(LocalNode n) throws Exception {
    HttpResponse<String> r = request(n, "/api/v1/cluster", HttpRequest.newBuilder().GET());
    assertThat(r.statusCode()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  private static void awaitAnswering(LocalNode n) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (true) {
      try {
        cluster(n);
        return;
      } catch (java.io.IOException e) {
        assertThat(System.nanoTime()).as("%s answers HTTP", n.spec().id()).isLessThan(deadline);
        Thread.sleep(200);
      }
    }
  }

  private static JsonNode member(JsonNode cluster, String id) {
    for (JsonNode m : cluster.path("members")) {
      if (m.path("id").asText().equals(id)) {
        return m;
      }
    }
    return JSON.missingNode();
  }

  private static String roleOf(JsonNode cluster, String id) {
    return member(cluster, id).path("role").asText();
  }

  private static void await(LocalNode n, Predicate<JsonNode> condition) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    JsonNode last = cluster(n);
    while (!condition.test(last)) {
      assertThat(System.nanoTime()).as("condition on %s", last).isLessThan(deadline);
      Thread.sleep(100);
      last = cluster(n);
    }
  }

  private static HttpResponse<String> post(LocalNode n, String path, String body) throws Exception {
    return request(
        n,
        path,
        HttpRequest.newBuilder()
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  private static HttpResponse<String> delete(LocalNode n, String path) throws Exception {
    return request(n, path, HttpRequest.newBuilder().DELETE());
  }

  private static HttpResponse<String> request(LocalNode n, String path, HttpRequest.Builder b)
      throws Exception {
    return HTTP.send(
        b.uri(URI.create(n.spec().httpUrl() + path)).timeout(Duration.ofSeconds(30)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
