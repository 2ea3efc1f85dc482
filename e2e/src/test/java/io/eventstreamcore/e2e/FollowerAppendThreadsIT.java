package io.eventstreamcore.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventstreamcore.cli.local.LocalCluster;
import io.eventstreamcore.cli.local.LocalNode;
import io.eventstreamcore.client.Producer;
import io.eventstreamcore.protocol.Event;
import io.eventstreamcore.protocol.Priority;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * A follower must not start a thread per Raft append. With Ratis's append chain on, each append a
 * follower receives hops through CompletableFuture's default executor, which on one or two cores
 * starts a thread per task (ADR 0028). Events are sent one at a time, so every one is its own
 * entry; the JVM's own count of started threads tells the rest.
 */
class FollowerAppendThreadsIT {
  private static final int EVENTS = 300;

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path dir;

  @Test
  void followersStartNoThreadPerAppend() throws Exception {
    LocalCluster cluster = LocalCluster.of(dir, 3, LocalCluster.freeBasePort(3), List.of());
    try (cluster) {
      cluster.start();
      cluster.awaitReady(Duration.ofSeconds(90));
      LocalNode leader = cluster.awaitLeader(Duration.ofSeconds(30));
      List<LocalNode> followers = new ArrayList<>(cluster.nodes());
      followers.remove(leader);
      try (Producer producer =
          new Producer(Producer.Settings.defaults(List.of(leader.spec().clientEndpoint())))) {
        // The first sends open connections and pools; only what follows them is counted.
        send(producer, 0, 20);
        Map<LocalNode, Long> before = threadsStarted(followers);
        send(producer, 20, EVENTS);
        Map<LocalNode, Long> after = threadsStarted(followers);
        for (LocalNode f : followers) {
          long started = after.get(f) - before.get(f);
          System.out.printf(
              "%s started %d threads while it appended %d entries%n",
              f.spec().id(), started, EVENTS - 20);
          assertThat(started).as("threads started by follower %s", f.spec().id()).isLessThan(30);
        }
      }
    } finally {
      Nodes.killAll(cluster);
    }
  }

  private static void send(Producer producer, int from, int to) {
    for (int i = from; i < to; i++) {
      producer
          .send(Event.of("id-" + i, "appends", Priority.HIGH, "x".getBytes(StandardCharsets.UTF_8)))
          .join();
    }
  }

  /** The JVM's own counter, read with jcmd as an operator would. */
  private static Map<LocalNode, Long> threadsStarted(List<LocalNode> nodes) throws Exception {
    Path jcmd =
        Path.of(ProcessHandle.current().info().command().orElseThrow()).resolveSibling("jcmd");
    Map<LocalNode, Long> started = new HashMap<>();
    for (LocalNode n : nodes) {
      Process p =
          new ProcessBuilder(jcmd.toString(), Long.toString(n.pid()), "PerfCounter.print")
              .redirectErrorStream(true)
              .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
      started.put(
          n,
          out.lines()
              .filter(l -> l.startsWith("java.threads.started="))
              .map(l -> Long.parseLong(l.substring(l.indexOf('=') + 1).trim()))
              .findFirst()
              .orElseThrow(() -> new AssertionError("no java.threads.started in: " + out)));
    }
    return started;
  }
}
