package io.eventstreamcore.cli;

import io.eventstreamcore.cli.local.FailoverProbe;
import io.eventstreamcore.cli.local.LocalCluster;
import io.eventstreamcore.cli.local.LocalNode;
import io.eventstreamcore.client.Connection;
import io.eventstreamcore.client.Subscription;
import io.eventstreamcore.protocol.Record;
import io.eventstreamcore.protocol.SubscribeRequest;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The main job: start a local three-node cluster, subscribe a consumer on a follower, produce at a
 * steady rate, kill -9 the leader mid-stream, and show the failover and that the consumer saw every
 * acknowledged event exactly once.
 */
@Command(
    mixinStandardHelpOptions = true,
    name = "demo",
    description =
        "Start a local 3-node cluster, produce and consume, kill the leader mid-stream, explain.")
final class DemoCommand implements Callable<Integer> {
  private static final String TOPIC = "demo/orders";
  private static final String AUDIT = "demo/audit";
  private static final Duration PAUSE = Duration.ofSeconds(20);

  @Option(names = "--dir", defaultValue = ".esc/demo", description = "Data folder (wiped first)")
  Path dir;

  @Option(names = "--events", defaultValue = "6000", description = "Events to acknowledge")
  int events;

  @Option(names = "--rate", defaultValue = "2000", description = "Events per second")
  int rate;

  @Option(
      names = "--base-port",
      defaultValue = "7070",
      description = "first client port; node i uses base+i-1, HTTP +1010, Raft +2800")
  int basePort;

  @Option(
      names = "--keep",
      description =
          "Give time to open the dashboard before the kill, put a few dead letters in the queue"
              + " afterwards, and keep the cluster running until Ctrl-C")
  boolean keep;

  @Override
  public Integer call() throws Exception {
    LocalCluster.wipe(dir);
    Files.createDirectories(dir);
    // A small queue makes the shedding of --keep's burst quick; the policy dead-letters AUDIT.
    Path policies =
        Files.writeString(dir.resolve("topic-policies"), AUDIT + " = BATCH dead-letter\n");
    List<String> properties =
        List.of(
            "esc.pipeline.queue-capacity=1024",
            "esc.pipeline.topic-policy-file=" + policies.toAbsolutePath());
    LocalCluster cluster = LocalCluster.of(dir, 3, basePort, properties);
    if (keep) {
      // Ctrl-C is how a kept cluster ends; stop the nodes then too.
      Runtime.getRuntime().addShutdownHook(new Thread(() -> closeQuietly(cluster)));
    }
    try (cluster) {
      long t0 = System.nanoTime();
      cluster.start();
      cluster.awaitReady(Duration.ofSeconds(90));
      LocalNode dashboard = cluster.nodes().get(0);
      LocalNode leader = cluster.awaitLeader(Duration.ofSeconds(30));
      if (keep && leader == dashboard) {
        // The page is served by the first node: it must not be the one killed.
        leader = moveLeadership(dashboard, cluster.nodes().get(1));
      }
      LocalNode leading = leader;
      LocalNode reader = cluster.nodes().stream().filter(n -> n != leading).findFirst().get();
      say(t0, "3 nodes ready (logs in %s/n*/node.log); leader is %s", dir, leader.spec().id());
      say(t0, "dashboard: %s/ui", dashboard.spec().httpUrl());
      say(
          t0,
          "this demo runs WITHOUT security (no TLS, no authentication): for one with both,"
              + " ./esc cluster up --secure");

      ConcurrentLinkedQueue<Record> seen = new ConcurrentLinkedQueue<>();
      try (Connection conn = Connection.open(reader.spec().clientEndpoint());
          Subscription sub =
              Subscription.start(
                  conn,
                  new SubscribeRequest(true, "demo/", SubscribeRequest.FROM_START, 256),
                  seen::add);
          FailoverProbe probe =
              new FailoverProbe(
                  cluster, TOPIC, rate, events * 2L + (keep ? rate * PAUSE.toSeconds() : 0))) {
        say(
            t0,
            "consumer subscribed to demo/* on %s; producing %d events/s",
            reader.spec().id(),
            rate);
        probe.start();
        probe.awaitAcknowledged(events / 3, Duration.ofSeconds(60));
        if (keep) {
          say(
              t0,
              "open the dashboard now: leader %s is killed in %d s",
              leader.spec().id(),
              PAUSE.toSeconds());
          Thread.sleep(PAUSE.toMillis());
        }
        say(
            t0,
            "%d acknowledged; kill -9 of leader %s (pid %d)",
            probe.acknowledged().size(),
            leader.spec().id(),
            leader.pid());
        FailoverProbe.Kill kill = probe.killLeader(Duration.ofSeconds(30));
        say(
            t0,
            "%s restarted and caught up; meanwhile %s took over: a write sent after the kill was"
                + " acknowledged %d ms after it",
            kill.nodeId(),
            cluster.awaitLeader(Duration.ofSeconds(30)).spec().id(),
            kill.toFirstAck().toMillis());
        probe.awaitAcknowledged(events, Duration.ofSeconds(60));
        probe.close();
        Map<String, Long> acked = probe.acknowledged();
        say(
            t0,
            "producer stopped: %d acknowledged; sends that failed during the election were"
                + " not retried",
            acked.size());
        int result = check(t0, acked, seen);
        if (keep) {
          keepForALook(t0, cluster, dashboard);
        }
        return result;
      }
    }
  }

  /** Puts real dead letters in the queue, then waits for Ctrl-C (whose hook stops the nodes). */
  private static void keepForALook(long t0, LocalCluster cluster, LocalNode dashboard)
      throws InterruptedException {
    say(t0, "offering more BATCH events than the cluster takes, so that it sheds them ...");
    int dead =
        DeadLetterBurst.run(cluster.clientEndpoints(), "demo/bulk", AUDIT, Duration.ofSeconds(30));
    say(
        t0,
        "%d %s events were dead-lettered while the cluster shed BATCH: find and replay them under"
            + " 'Dead letters' on the dashboard",
        dead,
        AUDIT);
    say(
        t0,
        "cluster kept running; dashboard: %s/ui; Ctrl-C stops every node",
        dashboard.spec().httpUrl());
    Thread.currentThread().join();
  }

  private static LocalNode moveLeadership(LocalNode from, LocalNode to)
      throws IOException, InterruptedException {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(from.spec().httpUrl() + "/api/v1/cluster/leadership"))
                    .header("content-type", "application/json")
                    .POST(
                        HttpRequest.BodyPublishers.ofString("{\"to\":\"" + to.spec().id() + "\"}"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IOException("moving leadership to " + to.spec().id() + " failed: " + r.body());
    }
    return to;
  }

  private static void closeQuietly(LocalCluster cluster) {
    try {
      cluster.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Every acknowledged event must reach the consumer once, at its acknowledged offset. */
  private static int check(long t0, Map<String, Long> acked, ConcurrentLinkedQueue<Record> seen)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!seenAll(acked, seen) && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    Map<String, Integer> times = new HashMap<>();
    Map<String, Long> offsets = new HashMap<>();
    for (Record r : seen) {
      times.merge(r.event().idAsString(), 1, Integer::sum);
      offsets.put(r.event().idAsString(), r.offset());
    }
    long missing = acked.keySet().stream().filter(id -> !times.containsKey(id)).count();
    long twice = times.values().stream().filter(n -> n > 1).count();
    long moved =
        acked.entrySet().stream()
            .filter(e -> !e.getValue().equals(offsets.get(e.getKey())))
            .count();
    boolean ok = missing == 0 && twice == 0 && moved == 0;
    say(
        t0,
        "consumer saw %d events: %d acknowledged ones missing, %d seen twice, %d at another"
            + " offset than acknowledged -> %s",
        seen.size(),
        missing,
        twice,
        moved,
        ok ? "every acknowledged event seen exactly once" : "MISMATCH");
    say(
        t0,
        "(%d stored events were never acknowledged: their answer was lost with the killed leader;"
            + " producers retry such sends, and dedup will make the retry safe)",
        times.size() - acked.size());
    return ok ? 0 : 1;
  }

  private static boolean seenAll(Map<String, Long> acked, ConcurrentLinkedQueue<Record> seen) {
    return seen.stream().map(r -> r.event().idAsString()).distinct().count() >= acked.size();
  }

  private static void say(long t0, String format, Object... args) {
    System.out.printf("[%6.2fs] %s%n", (System.nanoTime() - t0) / 1e9, String.format(format, args));
  }
}
