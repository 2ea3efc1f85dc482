package io.eventstreamcore.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The "match index -1" state, reproduced on real node processes: a follower whose only log entry is
 * a founding entry from a term of its own (left by a leader change during a cold start). Ratis
 * 3.3.0 makes it commit that entry on the leader's first heartbeat without a previous entry, and
 * then refuses every append for good. The follower must notice, drop that log and be sent the whole
 * log without leadership ping-pong, and its vote must count afterwards.
 */
class FoundingLogResetIT {
  private static final Pattern HAND_OFF =
      Pattern.compile("follower (\\S+) has answered but not advanced from match index (-?\\d+)");

  private static final String TOPIC = "founding";
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path dir;

  private static long termOf(LocalNode node) throws Exception {
    String body = node.get("/api/v1/node", Duration.ofSeconds(10)).body();
    return new ObjectMapper().readTree(body).path("term").asLong();
  }

  @Test
  void aFollowerWhoseFoundingEntryDivergedCatchesUpWithoutLeadershipPingPong() throws Exception {
    LocalCluster cluster = LocalCluster.of(dir, 3, LocalCluster.freeBasePort(3), List.of());
    try (cluster) {
      cluster.start();
      cluster.awaitReady(Duration.ofSeconds(90));
      LocalNode first = cluster.awaitLeader(Duration.ofSeconds(30));
      List<LocalNode> followers = cluster.nodes().stream().filter(n -> n != first).toList();
      LocalNode diverged = followers.get(0);
      LocalNode other = followers.get(1);
      send(cluster.clientEndpoints(), 0, 200);
      // Two leader changes: the leader's log then ends in a term above the diverged entry's, as
      // the leader's did that won after the short-lived one.
      transfer(cluster, other);
      transfer(cluster, first);
      send(cluster.clientEndpoints(), 200, 300);

      // The diverged entry's term must differ from the real founding entry's. That one can be
      // term 2 itself when the group's first leader stepped down while it formed (seen in CI, and
      // then there was nothing to repair); the term before the current one cannot, as the two
      // transfers came after it.
      long divergedTerm = termOf(cluster.awaitLeader(Duration.ofSeconds(30))) - 1;
      diverged.kill();
      DivergedFoundingLog.write(diverged.spec().dataDir(), divergedTerm, diverged.spec().id());
      Path current = raftStorage(diverged);
      diverged.start();

      // The follower sees its commit index held at 0 for 3 s behind the leader's and drops its log;
      // a leader (the next one, if the current one's view of it is stale) sends it the whole log.
      // Writes go on meanwhile, as they would: the stale leader hands leadership on (RATIS-2605)
      // only once it sees the follower fall behind them.
      AtomicInteger sent = new AtomicInteger(300);
      try (Producer trickle = new Producer(Producer.Settings.defaults(cluster.clientEndpoints()))) {
        await(diverged.spec().id() + " holds the same topic as " + other.spec().id())
            .atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofMillis(500))
            .ignoreExceptions()
            .until(
                () -> {
                  trickle.send(event(sent.getAndIncrement())).get(10, TimeUnit.SECONDS);
                  return Nodes.readIds(diverged.spec().clientEndpoint(), TOPIC)
                      .equals(Nodes.readIds(other.spec().clientEndpoint(), TOPIC));
                });
      }
      String log = Files.readString(diverged.spec().dataDir().resolve("node.log"));
      assertThat(log).contains("dropping this follower's Raft log");
      assertThat(Files.readString(current.resolve("raft-meta")))
          .as("the term and vote survive the reset: it cannot vote twice in a term")
          .contains("votedFor=");
      // The leader that saw the follower before its restart keeps a stale view of it (RATIS-2605)
      // and hands leadership on once; under CI load the catch-up stalled again at later indexes
      // (seen: 2 and 3 hand-offs, each further on). Ping-pong is a hand-off that did not help: a
      // second one for the same follower at the same match index. Without the reset that is what
      // happens, at match index -1, as every leader is refused.
      List<String> handOffs = new ArrayList<>();
      Matcher m = HAND_OFF.matcher(allLogs(cluster));
      while (m.find()) {
        handOffs.add(m.group(1) + " at match index " + m.group(2));
      }
      assertThat(handOffs)
          .as("leadership hand-offs: each one moved the follower on")
          .doesNotHaveDuplicates();
      assertThat(handOffs).as("leadership hand-offs: bounded").hasSizeLessThanOrEqualTo(5);

      LocalNode leader = cluster.awaitLeader(Duration.ofSeconds(30));
      // Two of three votes are needed: the remaining node's and the one that started over.
      leader.kill();
      LocalNode next = cluster.awaitLeader(Duration.ofSeconds(30));
      int acknowledged = sent.get() + 100;
      send(List.of(next.spec().clientEndpoint()), sent.get(), acknowledged);
      // An acknowledgement means a quorum has the event, not that the other survivor has applied
      // it yet (seen in CI: a retried event stored last, read from the follower one entry short).
      List<LocalNode> survivors = cluster.nodes().stream().filter(n -> n != leader).toList();
      List<List<String>> logs = new ArrayList<>();
      await("both survivors apply what was acknowledged")
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(200))
          .ignoreExceptions()
          .until(
              () -> {
                logs.clear();
                for (LocalNode n : survivors) {
                  logs.add(Nodes.readIds(n.spec().clientEndpoint(), TOPIC));
                }
                return logs.stream().allMatch(ids -> ids.size() >= acknowledged);
              });
      assertThat(logs.get(0))
          .as("every acknowledged event once, the same on both survivors")
          .hasSize(acknowledged)
          .doesNotHaveDuplicates()
          .isEqualTo(logs.get(1));
    }
  }

  private static String allLogs(LocalCluster cluster) throws Exception {
    StringBuilder all = new StringBuilder();
    for (LocalNode n : cluster.nodes()) {
      all.append(Files.readString(n.spec().dataDir().resolve("node.log")));
    }
    return all.toString();
  }

  /**
   * Moves leadership to {@code to}, asking whichever node leads at the time: an election can race
   * the request, and a node that no longer leads refuses it for good. Done once {@code to} leads.
   */
  private static void transfer(LocalCluster cluster, LocalNode to) throws Exception {
    String body = "{\"to\":\"" + to.spec().id() + "\"}";
    await("leadership moves to " + to.spec().id())
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .until(
            () -> {
              LocalNode leader = cluster.awaitLeader(Duration.ofSeconds(10));
              return leader == to
                  || post(leader, "/api/v1/cluster/leadership", body).statusCode() == 200;
            });
  }

  private static Path raftStorage(LocalNode node) throws Exception {
    try (Stream<Path> groups = Files.list(node.spec().dataDir().resolve("raft"))) {
      return groups.findFirst().orElseThrow().resolve("current");
    }
  }

  private static void send(List<String> bootstrap, int from, int to) {
    try (Producer p = new Producer(Producer.Settings.defaults(bootstrap))) {
      List<CompletableFuture<Long>> acks = new ArrayList<>();
      for (int i = from; i < to; i++) {
        acks.add(p.send(event(i)));
      }
      CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).join();
    }
  }

  private static Event event(int i) {
    return Event.of("e-" + i, TOPIC, Priority.HIGH, new byte[32]);
  }

  private static HttpResponse<String> post(LocalNode n, String path, String body) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(n.spec().httpUrl() + path))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
