package io.eventstreamcore.cli;

import io.eventstreamcore.cli.local.LocalCluster;
import io.eventstreamcore.cli.local.LocalNode;
import io.eventstreamcore.client.Connection;
import io.eventstreamcore.client.Producer;
import io.eventstreamcore.client.Subscription;
import io.eventstreamcore.protocol.Event;
import io.eventstreamcore.protocol.Priority;
import io.eventstreamcore.protocol.Record;
import io.eventstreamcore.protocol.SubscribeRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The main job: start a node, subscribe a consumer, produce events with mixed priorities, show what
 * was acknowledged and what the consumer saw, stop the node.
 */
@Command(
    mixinStandardHelpOptions = true,
    name = "demo",
    description = "Start a local node, produce and consume events, explain.")
final class DemoCommand implements Callable<Integer> {
  @Option(names = "--dir", defaultValue = ".esc/demo", description = "Data folder (wiped first)")
  Path dir;

  @Option(names = "--events", defaultValue = "20")
  int events;

  @Option(
      names = "--base-port",
      defaultValue = "7070",
      description = "client port; http +1010, raft +2800")
  int basePort;

  @Override
  public Integer call() throws Exception {
    LocalCluster.wipe(dir);
    try (LocalNode node = LocalCluster.of(dir, 1, basePort, List.of()).node("n1")) {
      LocalNode.Spec spec = node.spec();
      long t0 = System.nanoTime();
      node.start();
      System.out.printf(
          "started node n1 (pid %d), log in %s%n", node.pid(), spec.dataDir().resolve("node.log"));
      node.awaitReady(Duration.ofSeconds(60));
      System.out.printf(
          "node ready after %d ms: client %s, http %s%n",
          (System.nanoTime() - t0) / 1_000_000, spec.clientEndpoint(), spec.httpUrl());

      ConcurrentLinkedQueue<Record> seen = new ConcurrentLinkedQueue<>();
      try (Connection consumerConn = Connection.open(spec.clientEndpoint());
          Subscription sub =
              Subscription.start(
                  consumerConn,
                  new SubscribeRequest(true, "demo/", SubscribeRequest.FROM_START, 64),
                  seen::add)) {
        List<CompletableFuture<Long>> acks = new ArrayList<>();
        Priority[] priorities = Priority.values();
        try (Producer producer =
            new Producer(Producer.Settings.defaults(List.of(spec.clientEndpoint())))) {
          for (int i = 0; i < events; i++) {
            String topic = i % 2 == 0 ? "demo/orders" : "demo/payments";
            Priority p = priorities[i % priorities.length];
            acks.add(
                producer.send(
                    Event.of(
                        "demo-" + i,
                        topic,
                        p,
                        ("{\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8))));
          }
        }
        int acked = 0;
        System.out.println("\nproduced (acknowledged after commit + fsync):");
        for (int i = 0; i < acks.size(); i++) {
          long offset = acks.get(i).join();
          acked++;
          System.out.printf(
              "  demo-%-3d -> %s offset %d%n",
              i, i % 2 == 0 ? "demo/orders" : "demo/payments", offset);
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (seen.size() < acked && System.nanoTime() < deadline) {
          Thread.sleep(20);
        }
        System.out.println("\nconsumed through a subscription to prefix demo/:");
        for (Record r : seen) {
          Event e = r.event();
          System.out.printf(
              "  %-14s @%-3d %-8s %s %s%n",
              e.topic(),
              r.offset(),
              e.priority(),
              e.idAsString(),
              new String(e.payload(), StandardCharsets.UTF_8));
        }
        long distinct = seen.stream().map(r -> r.event().idAsString()).distinct().count();
        boolean ok = acked == events && seen.size() == acked && distinct == acked;
        System.out.printf(
            "%nsummary: %d produced, %d acknowledged, %d consumed (%d distinct) -> %s%n",
            events,
            acked,
            seen.size(),
            distinct,
            ok ? "every acknowledged event seen exactly once" : "MISMATCH");
        System.out.println("topics: " + HttpGet.get(spec.httpUrl() + "/api/v1/topics").body());
        return ok ? 0 : 1;
      }
    }
  }
}
