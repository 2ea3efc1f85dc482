package io.eventstreamcore.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventstreamcore.cli.Esc;
import io.eventstreamcore.cli.local.LocalCluster;
import io.eventstreamcore.cli.local.LocalNode;
import io.eventstreamcore.client.EscException;
import io.eventstreamcore.client.Producer;
import io.eventstreamcore.protocol.ErrorCode;
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
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Three nodes offered more BATCH load than they commit, with a steady CRITICAL stream beside it:
 * CRITICAL is always acknowledged, BATCH is shed with OVERLOADED (or dead-lettered, for the topic
 * whose policy says so), every send gets an answer, every acknowledged event is stored once where
 * its ack says, and the node is HEALTHY again once the load stops. {@code esc dlq replay} then
 * brings every dead letter to its topic once, however often it runs.
 */
class PriorityOverloadIT {
  private static final Duration LOAD_FOR = Duration.ofSeconds(12);

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path dir;

  /** What one producer thread saw: acked id → offset, and the codes of refusals. */
  private record Outcome(Map<String, Long> acked, Map<ErrorCode, Integer> refused, int sent) {}

  @Test
  void criticalFlowsWhileBatchIsShedAndTheNodeRecovers() throws Exception {
    Path policies =
        Files.writeString(dir.resolve("topic-policies"), "audit.* = BATCH dead-letter\n");
    LocalCluster cluster =
        LocalCluster.of(
            dir,
            3,
            LocalCluster.freeBasePort(3),
            List.of(
                "esc.pipeline.queue-capacity=1024",
                "esc.pipeline.topic-policy-file=" + policies.toAbsolutePath()));
    try (cluster) {
      cluster.start();
      cluster.awaitReady(Duration.ofSeconds(90));
      LocalNode leader = cluster.awaitLeader(Duration.ofSeconds(30));
      List<CompletableFuture<Outcome>> bulk = new ArrayList<>();
      for (int p = 0; p < 3; p++) {
        bulk.add(produce(cluster, "bulk", "b" + p + "-", Priority.BATCH, 64, 200_000, 0, false));
      }
      CompletableFuture<Outcome> audit =
          produce(cluster, "audit.log", "a-", Priority.BATCH, 16, 20_000, 0, false);
      // CRITICAL retries like a real producer would (an election under this load is possible);
      // it must never be refused for load, and every send must end acknowledged.
      Outcome critical =
          produce(cluster, "alerts", "c-", Priority.CRITICAL, 1, 2_400, 5, true).join();
      List<Outcome> bulkOutcomes = bulk.stream().map(CompletableFuture::join).toList();

      assertThat(critical.refused()).as("CRITICAL refusals").isEmpty();
      assertThat(critical.acked()).hasSize(critical.sent());
      int bulkOverloaded =
          bulkOutcomes.stream()
              .mapToInt(o -> o.refused().getOrDefault(ErrorCode.OVERLOADED, 0))
              .sum();
      assertThat(bulkOverloaded).as("BATCH events shed").isPositive();
      for (Outcome o : bulkOutcomes) {
        int answered = o.acked().size() + o.refused().values().stream().mapToInt(i -> i).sum();
        assertThat(answered).as("every send answered").isEqualTo(o.sent());
      }

      assertStoredOnceAtTheirOffsets(cluster, "alerts", List.of(critical));
      assertStoredOnceAtTheirOffsets(cluster, "bulk", bulkOutcomes);

      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (!pipeline(leader).contains("\"HEALTHY\"")) {
        assertThat(System.nanoTime()).as("back to HEALTHY").isLessThan(deadline);
        Thread.sleep(200);
      }

      replayedDeadLettersAreStoredOnce(cluster, leader, audit.join());
      priorityBenchStoresEveryCriticalEvent(cluster);
    } finally {
      Nodes.killAll(cluster);
    }
  }

  /**
   * Sends as fast as the producer allows, or one event every {@code pauseMillis}; stops after
   * {@code max} events or the load time. Without retries every answer is seen.
   */
  private static CompletableFuture<Outcome> produce(
      LocalCluster cluster,
      String topic,
      String idPrefix,
      Priority priority,
      int inFlight,
      int max,
      long pauseMillis,
      boolean retries) {
    return CompletableFuture.supplyAsync(
        () -> {
          Map<String, Long> acked = new ConcurrentHashMap<>();
          Map<ErrorCode, Integer> refused = new ConcurrentHashMap<>();
          List<CompletableFuture<?>> sends = new ArrayList<>();
          long until = System.nanoTime() + LOAD_FOR.toNanos();
          Producer.Settings settings =
              Producer.Settings.defaults(cluster.clientEndpoints()).withMaxInFlight(inFlight);
          if (!retries) {
            settings = settings.withoutRetries();
          }
          try (Producer p = new Producer(settings)) {
            for (int i = 0; i < max && System.nanoTime() < until; i++) {
              String id = idPrefix + i;
              sends.add(
                  p.send(Event.of(id, topic, priority, new byte[100]))
                      .whenComplete(
                          (offset, error) -> {
                            if (error == null) {
                              acked.put(id, offset);
                            } else {
                              refused.merge(EscException.of(error).code(), 1, Integer::sum);
                            }
                          }));
              if (pauseMillis > 0) {
                Thread.sleep(pauseMillis);
              }
            }
            CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new))
                .exceptionally(e -> null)
                .get(60, TimeUnit.SECONDS);
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
          return new Outcome(acked, refused, sends.size());
        });
  }

  private static void replayedDeadLettersAreStoredOnce(
      LocalCluster cluster, LocalNode leader, Outcome audit) throws Exception {
    int deadLettered = audit.refused().getOrDefault(ErrorCode.DEAD_LETTERED, 0);
    assertThat(deadLettered).as("audit events dead-lettered").isPositive();
    List<String> dlq = Nodes.converged(cluster, "_dlq").get(0);
    // At least: an event answered TIMEOUT under this load may have been dead-lettered too.
    assertThat(dlq.size()).isGreaterThanOrEqualTo(deadLettered);
    assertThat(dlq).doesNotHaveDuplicates();
    assertThat(audit.acked().keySet()).doesNotContainAnyElementsOf(dlq);

    for (int run = 0; run < 2; run++) {
      String[] replay = {
        "dlq",
        "replay",
        "--topic",
        "audit.log",
        "--max",
        "100000",
        "--http",
        leader.spec().httpUrl(),
        "--bootstrap",
        String.join(",", cluster.clientEndpoints())
      };
      assertThat(new CommandLine(new Esc()).execute(replay)).as("replay %d", run).isZero();
    }
    List<String> log = Nodes.converged(cluster, "audit.log").get(0);
    assertThat(log).doesNotHaveDuplicates().containsAll(dlq).containsAll(audit.acked().keySet());
    assertThat(log.size()).isLessThanOrEqualTo(audit.sent());
  }

  /**
   * {@code esc priority-bench} runs its loading producers in a JVM of its own, started from this
   * one's class path: its CRITICAL events (warm-up, unloaded and loaded phase) are all stored, and
   * the loading process did send.
   */
  private static void priorityBenchStoresEveryCriticalEvent(LocalCluster cluster) throws Exception {
    String[] bench = {
      "priority-bench",
      "--bootstrap",
      String.join(",", cluster.clientEndpoints()),
      "--critical-rate",
      "100",
      "--warmup-seconds",
      "1",
      "--seconds",
      "2",
      "--load-rate",
      "2000"
    };
    assertThat(new CommandLine(new Esc()).execute(bench)).as("priority-bench").isZero();
    List<String> critical = Nodes.converged(cluster, "bench-critical").get(0);
    assertThat(critical).doesNotHaveDuplicates();
    // Each phase sends ids run-0, run-1, … in order until its time is up (on a busy host a few
    // fewer than rate × seconds): what is stored of each phase must be an unbroken run from 0.
    Map<String, List<Long>> byPhase = new TreeMap<>();
    for (String id : critical) {
      int dash = id.lastIndexOf('-');
      byPhase
          .computeIfAbsent(id.substring(0, dash), k -> new ArrayList<>())
          .add(Long.parseLong(id.substring(dash + 1)));
    }
    assertThat(byPhase).as("warm-up, unloaded and loaded phase").hasSize(3);
    byPhase.forEach(
        (phase, seqs) ->
            assertThat(seqs)
                .as(phase)
                .containsExactlyInAnyOrderElementsOf(
                    LongStream.range(0, seqs.size()).boxed().toList()));
    assertThat(critical).as("the phases sent at 100/s").hasSizeGreaterThan(450);
    assertThat(Nodes.converged(cluster, "bench-high").get(0)).isNotEmpty();
  }

  private static void assertStoredOnceAtTheirOffsets(
      LocalCluster cluster, String topic, List<Outcome> outcomes) throws Exception {
    List<List<String>> logs = Nodes.converged(cluster, topic);
    List<String> log = logs.get(0);
    assertThat(logs).allSatisfy(l -> assertThat(l).isEqualTo(log));
    assertThat(log).doesNotHaveDuplicates();
    for (Outcome o : outcomes) {
      o.acked().forEach((id, offset) -> assertThat(log.get(offset.intValue())).isEqualTo(id));
    }
  }

  private static String pipeline(LocalNode node) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create(node.spec().httpUrl() + "/api/v1/node"))
                .timeout(Duration.ofSeconds(5))
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }
}
