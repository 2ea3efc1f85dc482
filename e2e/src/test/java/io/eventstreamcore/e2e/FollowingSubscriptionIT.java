package io.eventstreamcore.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.eventstreamcore.cli.local.LocalCluster;
import io.eventstreamcore.cli.local.LocalNode;
import io.eventstreamcore.client.FollowingSubscription;
import io.eventstreamcore.client.Producer;
import io.eventstreamcore.protocol.Event;
import io.eventstreamcore.protocol.Priority;
import io.eventstreamcore.protocol.Record;
import io.eventstreamcore.protocol.SubscribeRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * A consumer survives its node: a subscription on a node that is killed with kill -9 mid-stream
 * goes on at another node from the next offset, and sees every stored event of its topics exactly
 * once and in order: for an exact topic, and for a prefix over two topics.
 */
class FollowingSubscriptionIT {
  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path dir;

  @Test
  void aSubscriptionWhoseNodeDiesGoesOnElsewhereWithNoGapAndNoRepeat() throws Exception {
    LocalCluster cluster = LocalCluster.of(dir, 3, LocalCluster.freeBasePort(3), List.of());
    try (cluster) {
      cluster.start();
      cluster.awaitReady(Duration.ofSeconds(90));
      LocalNode leader = cluster.awaitLeader(Duration.ofSeconds(30));
      // The subscriptions start at a follower, which is the node killed: the writes go on.
      LocalNode victim = cluster.nodes().stream().filter(n -> n != leader).findFirst().get();
      List<String> victimFirst = new ArrayList<>();
      victimFirst.add(victim.spec().clientEndpoint());
      cluster.nodes().stream()
          .filter(n -> n != victim)
          .forEach(n -> victimFirst.add(n.spec().clientEndpoint()));
      List<String> survivors =
          cluster.nodes().stream()
              .filter(n -> n != victim)
              .map(n -> n.spec().clientEndpoint())
              .toList();

      ConcurrentLinkedQueue<Record> exact = new ConcurrentLinkedQueue<>();
      ConcurrentLinkedQueue<Record> prefixed = new ConcurrentLinkedQueue<>();
      try (FollowingSubscription onExact =
              FollowingSubscription.start(
                  victimFirst,
                  new SubscribeRequest(false, "follow/a", SubscribeRequest.FROM_END, 64),
                  exact::add);
          FollowingSubscription onPrefix =
              FollowingSubscription.start(
                  victimFirst,
                  new SubscribeRequest(true, "follow/", SubscribeRequest.FROM_START, 64),
                  prefixed::add)) {
        send(cluster.clientEndpoints(), 0, 1_500);
        await().atMost(Duration.ofSeconds(30)).until(() -> exact.size() >= 700);
        victim.kill();
        send(survivors, 1_500, 3_000);

        // Every send was acknowledged and dedup stores each id once: 1,500 per topic.
        String reader = survivors.get(0);
        await("the survivor read applied everything")
            .atMost(Duration.ofSeconds(30))
            .until(() -> Nodes.readIds(reader, "follow/b").size() == 1_500);
        List<String> storedA = Nodes.readIds(reader, "follow/a");
        List<String> storedB = Nodes.readIds(reader, "follow/b");
        assertThat(storedA).hasSize(1_500);
        await("the exact subscription caught up after the kill")
            .atMost(Duration.ofSeconds(30))
            .until(() -> exact.size() >= storedA.size());
        await("the prefix subscription caught up after the kill")
            .atMost(Duration.ofSeconds(30))
            .until(() -> prefixed.size() >= storedA.size() + storedB.size());

        assertThat(onExact.resubscriptions()).isPositive();
        assertThat(onPrefix.resubscriptions()).isPositive();
        assertThat(ids(exact.stream())).isEqualTo(storedA);
        assertThat(ids(prefixed.stream().filter(r -> r.event().topic().equals("follow/a"))))
            .isEqualTo(storedA);
        assertThat(ids(prefixed.stream().filter(r -> r.event().topic().equals("follow/b"))))
            .isEqualTo(storedB);
      }
    }
  }

  private static List<String> ids(Stream<Record> records) {
    return records.map(r -> r.event().idAsString()).toList();
  }

  /** Events i in [from, to), alternating between follow/a and follow/b, all acknowledged. */
  private static void send(List<String> bootstrap, int from, int to) {
    try (Producer p = new Producer(Producer.Settings.defaults(bootstrap))) {
      List<CompletableFuture<Long>> acks = new ArrayList<>();
      for (int i = from; i < to; i++) {
        String topic = i % 2 == 0 ? "follow/a" : "follow/b";
        acks.add(p.send(Event.of("e-" + i, topic, Priority.HIGH, new byte[32])));
      }
      CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).join();
    }
  }
}
