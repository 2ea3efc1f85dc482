package io.eventstreamcore.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.eventstreamcore.cli.local.LocalCluster;
import io.eventstreamcore.client.Producer;
import io.eventstreamcore.protocol.Event;
import io.eventstreamcore.protocol.Priority;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * A power cut of the whole cluster while producers write: every node's volume is put back as its
 * device held it ({@link LoopVolumes}), without what the kernel had not written yet. Everything
 * acknowledged was fsynced on a quorum, so it must all be there, once, at its offset, on every
 * node. Small snapshot and segment sizes put snapshots, log purges and segment rolls inside the
 * window that is lost.
 */
class PowerLossIT {
  private static final String TOPIC = "power";

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path dir;

  @Test
  void aPowerCutOfTheWholeClusterLosesNothingAcknowledged() throws Exception {
    assumeTrue(LoopVolumes.supported(dir.resolve("probe")), "loop devices cannot be mounted here");
    long seed = System.nanoTime();
    System.out.println("PowerLossIT seed " + seed);
    Random random = new Random(seed);
    int cutAfterAcks = 1_500 + random.nextInt(2_000);
    try (LoopVolumes volumes = new LoopVolumes(dir.resolve("images"))) {
      for (int i = 1; i <= 3; i++) {
        volumes.create(dir.resolve("n" + i), 256);
      }
      LocalCluster cluster =
          LocalCluster.of(
              dir,
              3,
              LocalCluster.freeBasePort(3),
              List.of(
                  "esc.raft.snapshot-size=512KB",
                  "esc.store.segment-bytes=262144",
                  "esc.raft.unsafe-flush=true"));
      Map<String, Long> acked = new ConcurrentHashMap<>();
      try (cluster) {
        cluster.start();
        cluster.awaitReady(Duration.ofSeconds(90));
        AtomicBoolean stop = new AtomicBoolean();
        Thread producer = new Thread(() -> produce(cluster, acked, stop, random.nextLong()));
        producer.start();
        await("acknowledgements before the cut")
            .atMost(Duration.ofSeconds(120))
            .until(() -> acked.size() >= cutAfterAcks);
        Nodes.killAll(cluster);
        stop.set(true);
        producer.join(Duration.ofSeconds(30).toMillis());

        // Written after the processes died and never fsynced: a cut that kept these would have
        // kept everything, and proved nothing.
        byte[] canary = new byte[64 << 10];
        random.nextBytes(canary);
        for (int i = 1; i <= 3; i++) {
          Files.write(dir.resolve("n" + i).resolve("canary"), canary);
        }
        volumes.powerCut();
        for (int i = 1; i <= 3; i++) {
          Path kept = dir.resolve("n" + i).resolve("canary");
          assertThat(Files.exists(kept) && Arrays.equals(Files.readAllBytes(kept), canary))
              .as("n%d kept a write that was never fsynced", i)
              .isFalse();
        }
        cluster.start();
        cluster.awaitReady(Duration.ofSeconds(120));
        List<List<String>> logs = Nodes.converged(cluster, TOPIC);
        for (List<String> log : logs) {
          assertThat(log).as("every node's log").isEqualTo(logs.get(0)).doesNotHaveDuplicates();
        }
        List<String> log = logs.get(0);
        for (Map.Entry<String, Long> a : acked.entrySet()) {
          assertThat(a.getValue())
              .as("offset of %s, acknowledged before the cut (seed %d)", a.getKey(), seed)
              .isLessThan(log.size());
          assertThat(log.get(a.getValue().intValue())).isEqualTo(a.getKey());
        }
      } finally {
        Nodes.killAll(cluster);
      }
    }
  }

  /** Sends 1 KiB events until told to stop, recording each acknowledgement as it arrives. */
  private static void produce(
      LocalCluster cluster, Map<String, Long> acked, AtomicBoolean stop, long payloadSeed) {
    byte[] payload = new byte[1024];
    new Random(payloadSeed).nextBytes(payload);
    Producer.Settings settings =
        Producer.Settings.defaults(cluster.clientEndpoints())
            .withDeliveryTimeout(Duration.ofSeconds(5));
    try (Producer p = new Producer(settings)) {
      for (int i = 0; i < 200_000 && !stop.get(); i++) {
        String id = "p-" + i;
        p.send(Event.of(id, TOPIC, Priority.HIGH, payload))
            .thenAccept(offset -> acked.put(id, offset));
      }
    } catch (RuntimeException e) {
      // The cluster is gone: whatever was acknowledged is recorded.
    }
  }
}
