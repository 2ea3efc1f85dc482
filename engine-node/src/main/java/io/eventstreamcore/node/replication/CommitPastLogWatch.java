package io.eventstreamcore.node.replication;

import java.io.IOException;
import java.time.Duration;
import java.util.function.LongSupplier;
import org.jboss.logging.Logger;

/**
 * Restarts this node's Raft server in place when its commit index has stood past the end of its own
 * log, with the log not moving, for {@code heldFor}.
 *
 * <p>Why: Ratis 3.3.0 can leave a follower in that state, and then it refuses every append for
 * good. A {@code FaultInjectionIT} run (seed 56264753948237) showed it. A restarted node won an
 * election, appended entries of its term and lost its majority, and the next leader overwrote them.
 * On that follower, an append whose previous entry (635) was only queued on its append chain passed
 * the consistency check, then failed ("Difference between entry index and RaftLog's last index 632
 * … is greater than 1"), and the follower was left with commit index 634 over a log that ends at
 * 632. Which request raised the commit index is our reading of the node's log; it is not traced in
 * Ratis. From then on the follower answered every append INCONSISTENCY: entries up to 634 "already
 * exist" by its commit index, and those after need a previous entry at 634 that its log does not
 * have. Handing leadership away ({@link StuckFollowerWatch}) did not help, since every leader met
 * the same answers. Starting the three nodes again from their data healed it: Ratis loaded the
 * commit index with the log from disk, the follower's store was rebuilt from the log, the leader
 * sent the rest, and the three copies of the topic were identical. A restart in place, as {@link
 * StorageFullRecovery} does after a full volume, goes through the same start.
 *
 * <p>A follower whose appends are merely slow has its log moving, so it is left alone.
 */
public final class CommitPastLogWatch implements Runnable {
  private static final Logger LOG = Logger.getLogger(CommitPastLogWatch.class);

  /** What the watch reads of the Raft server; {@link RaftNode} in production. */
  interface Log {
    long commitIndex();

    /** The index after the last entry this node holds, counting its snapshot. */
    long nextIndex();

    void restartInPlace(String why) throws IOException;
  }

  private final Log log;
  private final long heldForMillis;
  private final LongSupplier clock;
  private long pastSince = -1;
  private long nextIndexThen;

  public CommitPastLogWatch(RaftNode raft, Duration heldFor, LongSupplier clock) {
    this(
        new Log() {
          @Override
          public long commitIndex() {
            return raft.commitIndex();
          }

          @Override
          public long nextIndex() {
            return raft.nextLogIndex();
          }

          @Override
          public void restartInPlace(String why) throws IOException {
            raft.restartInPlace(why);
          }
        },
        heldFor,
        clock);
  }

  CommitPastLogWatch(Log log, Duration heldFor, LongSupplier clock) {
    this.log = log;
    this.heldForMillis = heldFor.toMillis();
    this.clock = clock;
  }

  @Override
  public void run() {
    long commit = log.commitIndex();
    long next = log.nextIndex();
    if (commit < next || next <= 0) {
      pastSince = -1;
      return;
    }
    long now = clock.getAsLong();
    if (pastSince < 0 || next != nextIndexThen) {
      pastSince = now;
      nextIndexThen = next;
      return;
    }
    if (now - pastSince < heldForMillis) {
      return;
    }
    pastSince = -1;
    try {
      log.restartInPlace(
          "its commit index "
              + commit
              + " has stood past the end of its log (next index "
              + next
              + ") for "
              + heldForMillis
              + " ms, so every append is refused (a Ratis 3.3.0 follower bug); a restart reloads"
              + " both from disk");
    } catch (IOException | RuntimeException e) {
      LOG.error("restarting the Raft server of a follower committed past its log failed", e);
    }
  }
}
