package io.eventstreamcore.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
 * The leader's remedy for a follower that answers but does not advance: it asks the follower to
 * restart its Raft server in place, which must cost nothing acknowledged and leave the follower
 * with the leader's events. The Ratis race that leaves a follower so cannot be caused on demand, so
 * this test makes the request the leader would make, in the middle of a produce, and a request from
 * a node the follower does not follow, which must be refused.
 */
class FollowerResyncIT {
  private static final String TOPIC = "resync";
  private static final Duration READY = Duration.ofSeconds(90);
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path dir;

  @Test
  void aFollowerRestartsAtItsLeadersRequestAndKeepsEveryEvent() throws Exception {
    LocalCluster cluster = LocalCluster.of(dir, 3, LocalCluster.freeBasePort(3), List.of());
    try (cluster) {
      cluster.start();
      cluster.awaitReady(READY);
      LocalNode leader = cluster.awaitLeader(READY);
      List<LocalNode> followers = cluster.nodes().stream().filter(n -> n != leader).toList();
      LocalNode follower = followers.get(0);
      List<String> all = cluster.nodes().stream().map(n -> n.spec().clientEndpoint()).toList();
      try (Producer producer = new Producer(Producer.Settings.defaults(all))) {
        send(producer, 0, 5_000).join();

        HttpResponse<String> stranger = resync(follower, followers.get(1).spec().id());
        assertThat(stranger.statusCode()).as(stranger.body()).isEqualTo(409);
        assertThat(stranger.body()).contains("this node follows " + leader.spec().id());

        CompletableFuture<Void> during = send(producer, 5_000, 30_000);
        HttpResponse<String> asked = resync(follower, leader.spec().id());
        assertThat(asked.statusCode()).as(asked.body()).isEqualTo(202);
        Path log = follower.spec().dataDir().resolve("node.log");
        await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> Files.readString(log).contains("restarting this node's Raft server"));
        during.join();
        follower.awaitReady(READY);
        send(producer, 30_000, 31_000).join();
      }
      List<List<String>> logs = Nodes.converged(cluster, TOPIC);
      assertThat(logs.stream().map(List::size).toList()).containsOnly(31_000);
      assertThat(logs.get(0)).doesNotHaveDuplicates();
      assertThat(logs).allSatisfy(l -> assertThat(l).isEqualTo(logs.get(0)));
    } finally {
      Nodes.killAll(cluster);
    }
  }

  private static HttpResponse<String> resync(LocalNode follower, String leaderId) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(
                URI.create(
                    follower.spec().httpUrl() + "/internal/v1/raft/resync?leader=" + leaderId))
            .timeout(Duration.ofSeconds(5))
            .POST(HttpRequest.BodyPublishers.noBody())
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static CompletableFuture<Void> send(Producer producer, int from, int to) {
    List<CompletableFuture<Long>> acks = new ArrayList<>();
    for (int i = from; i < to; i++) {
      acks.add(producer.send(Event.of("e-" + i, TOPIC, Priority.MEDIUM, new byte[100])));
    }
    return CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new));
  }
}
