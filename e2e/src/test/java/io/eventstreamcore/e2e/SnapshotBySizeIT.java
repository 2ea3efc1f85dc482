package io.eventstreamcore.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.eventstreamcore.cli.local.LocalNode;
import io.eventstreamcore.client.Producer;
import io.eventstreamcore.protocol.Event;
import io.eventstreamcore.protocol.Priority;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Snapshots follow the bytes written, not only the entry count: with 10 KiB events Ratis's count
 * (20,000 entries of up to 64 events) let 1.5 GB of log pile up, which a restart then replayed
 * until the heap ran out. Here a node with a 2 MB snapshot size writes 10 MB, must have snapshotted
 * and purged its Raft log, and after kill -9 must come back with every event.
 *
 * <p>Its dedup filters must be trusted again soon after: they are read back from the store once the
 * restart cut it back to the snapshot, and a read that raced that cut left them untrusted for a
 * whole window, so a new leader asked the table about every id.
 */
class SnapshotBySizeIT {
  private static final int EVENTS = 1_000;
  private static final byte[] PAYLOAD = new byte[10 << 10];

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path dir;

  @Test
  void aNodeSnapshotsEverySoManyBytesAndReplaysLittleAfterACrash() throws Exception {
    Path data = dir.resolve("n1");
    LocalNode node =
        Nodes.single(data, "esc.raft.snapshot-size=2MB", "esc.raft.log-segment-size=1MB");
    try {
      node.start();
      node.awaitReady(Duration.ofSeconds(60));
      try (Producer p =
          new Producer(Producer.Settings.defaults(List.of(node.spec().clientEndpoint())))) {
        List<CompletableFuture<Long>> acks = new ArrayList<>();
        for (int i = 0; i < EVENTS; i++) {
          acks.add(p.send(Event.of("e-" + i, "big", Priority.HIGH, PAYLOAD)));
        }
        CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
      }
      // The snapshot is taken after the acks, between two applied entries or when the apply
      // thread next idles: wait for it on the live node, whose purges may remove files mid-walk.
      Path raft = data.resolve("raft");
      await("a snapshot taken")
          .atMost(Duration.ofSeconds(30))
          .ignoreExceptionsInstanceOf(UncheckedIOException.class)
          .until(() -> !filesNamed(raft, "snapshot.").isEmpty());
      // Measure the log of a dead node, so that no purge runs under the walk.
      node.kill();
      assertThat(bytesOf(raft, "log_"))
          .as("Raft log left on disk after 10 MB, purged below the snapshots")
          .isLessThan(6L << 20);

      node.start();
      node.awaitReady(Duration.ofSeconds(60));
      List<String> ids = Nodes.readIds(node.spec().clientEndpoint(), "big");
      assertThat(ids).hasSize(EVENTS).doesNotHaveDuplicates();
      await("dedup filters trusted after the restart")
          .atMost(Duration.ofSeconds(30))
          .until(() -> Nodes.metric(node, "esc_dedup_filter_trusted") == 1);
    } finally {
      node.kill();
    }
  }

  private static List<Path> filesNamed(Path root, String prefix) throws IOException {
    try (Stream<Path> all = Files.walk(root)) {
      return all.filter(p -> p.getFileName().toString().startsWith(prefix)).toList();
    }
  }

  private static long bytesOf(Path root, String prefix) throws IOException {
    long total = 0;
    for (Path p : filesNamed(root, prefix)) {
      total += Files.size(p);
    }
    return total;
  }
}
