package io.eventstreamcore.node.replication;

import io.eventstreamcore.node.storage.DiskSpace;
import java.io.IOException;
import java.time.Duration;
import java.util.function.LongSupplier;
import org.jboss.logging.Logger;

/**
 * Brings this node's Raft log back after its volume was full. Ratis's log writer, once a write
 * fails, fails every later one until the server is rebuilt: a follower whose disk filled first
 * answered every append with "No space left on device" long after space was freed, and caught up
 * only after a process restart. So once the volume has room again, a log that has not written
 * anything since and stays behind (entries or the leader's commit past what it flushed) for {@code
 * heldFor} gets its server restarted in place. A log that flushes something new proves it works and
 * ends the watch.
 */
public final class StorageFullRecovery implements Runnable {
  private static final Logger LOG = Logger.getLogger(StorageFullRecovery.class);

  private final RaftNode raft;
  private final DiskSpace space;
  private final long heldForMillis;
  private final LongSupplier clock;
  private boolean wasFull;
  private long flushedWhenRoomReturned = Long.MIN_VALUE;
  private long behindSince = -1;

  public StorageFullRecovery(RaftNode raft, DiskSpace space, Duration heldFor, LongSupplier clock) {
    this.raft = raft;
    this.space = space;
    this.heldForMillis = heldFor.toMillis();
    this.clock = clock;
  }

  @Override
  public void run() {
    if (space.full()) {
      wasFull = true;
      flushedWhenRoomReturned = Long.MIN_VALUE;
      behindSince = -1;
      return;
    }
    if (!wasFull) {
      return;
    }
    long flushed = raft.flushIndex();
    if (flushedWhenRoomReturned == Long.MIN_VALUE) {
      flushedWhenRoomReturned = flushed;
    }
    if (flushed > flushedWhenRoomReturned) {
      wasFull = false;
      return;
    }
    boolean behind = raft.lastLogIndex() > flushed || raft.leaderCommitIndex() > flushed;
    long now = clock.getAsLong();
    if (!behind) {
      behindSince = -1;
      return;
    }
    if (behindSince < 0) {
      behindSince = now;
    }
    if (now - behindSince < heldForMillis) {
      return;
    }
    wasFull = false;
    behindSince = -1;
    try {
      raft.restartInPlace(
          "its Raft log has written nothing since the data volume was full, and is behind (flushed"
              + " through "
              + flushed
              + ")");
    } catch (IOException | RuntimeException e) {
      wasFull = true;
      LOG.error("restarting the Raft server after a full volume failed; trying again", e);
    }
  }
}
