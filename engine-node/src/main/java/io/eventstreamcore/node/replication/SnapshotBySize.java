package io.eventstreamcore.node.replication;

import io.eventstreamcore.node.threads.DaemonThreads;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.SnapshotManagementRequest;
import org.apache.ratis.server.RaftServer;
import org.jboss.logging.Logger;

/**
 * Asks Ratis for a snapshot once {@code thresholdBytes} of batches were applied since the last one.
 * Ratis triggers snapshots by entry count only, and an entry holds up to a batch of events: with 10
 * KiB events, 20,000 entries are gigabytes of log. A node restarted after writing 1.5 GB without a
 * snapshot replayed all of it, and ran out of heap doing so: Ratis 3.3.0 cannot evict its cache of
 * log segments that were closed before the start until it writes new ones. A snapshot every so many
 * bytes bounds both the replay and that cache.
 */
final class SnapshotBySize {
  private static final Logger LOG = Logger.getLogger(SnapshotBySize.class);
  private static final ClientId CLIENT = ClientId.randomId();
  private static final AtomicLong CALL_IDS = new AtomicLong();
  private static final long TIMEOUT_MS = 60_000;

  /**
   * Ratis refuses a requested snapshot within its creation gap (1,024 entries) unless told less.
   */
  private static final long ANY_GAP = 1;

  private final long thresholdBytes;
  private final ExecutorService asker =
      Executors.newSingleThreadExecutor(DaemonThreads.named("esc-snapshot-by-size"));
  private long bytesSinceSnapshot;
  private volatile boolean asked;

  SnapshotBySize(long thresholdBytes) {
    this.thresholdBytes = thresholdBytes;
  }

  /**
   * Counts an applied entry's bytes.
   *
   * @return true once they reach the threshold and no snapshot was asked for since: call {@link
   *     #ask} then
   */
  boolean applied(long entryBytes) {
    bytesSinceSnapshot += entryBytes;
    if (bytesSinceSnapshot < thresholdBytes || asked) {
      return false;
    }
    asked = true;
    return true;
  }

  /**
   * Asks {@code server} for a snapshot, not on the apply thread: the request takes the server's
   * lock, and the snapshot itself is then taken by the apply thread between two entries.
   */
  void ask(RaftServer server, RaftPeerId self, RaftGroupId group) {
    asker.execute(() -> request(server, self, group));
  }

  private void request(RaftServer server, RaftPeerId self, RaftGroupId group) {
    SnapshotManagementRequest create =
        SnapshotManagementRequest.newCreate(
            CLIENT, self, group, CALL_IDS.incrementAndGet(), TIMEOUT_MS, ANY_GAP);
    try {
      server
          .snapshotManagementAsync(create)
          .whenComplete(
              (reply, error) -> {
                if (error != null || !reply.isSuccess()) {
                  asked = false;
                  LOG.debugf(
                      "snapshot by size not taken: %s",
                      error != null ? error : reply.getException());
                }
              });
    } catch (Exception e) {
      asked = false;
      LOG.debugf("snapshot by size not requested: %s", e);
    }
  }

  /** A snapshot was saved: the count starts again. Called under the store's writer lock. */
  void taken() {
    bytesSinceSnapshot = 0;
    asked = false;
  }

  void close() {
    asker.shutdownNow();
  }
}
