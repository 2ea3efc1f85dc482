package io.eventstreamcore.node.dashboard;

import io.eventstreamcore.node.replication.RaftNode;
import java.util.ArrayDeque;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Leader changes as this node saw them. How long writes waited is measured from the last commit
 * under the old leader to the first under the new one, so it is known only when writes were flowing
 * (a commit within {@link #FLOWING_MS} before the change) and only once the new leader commits.
 */
public final class LeaderTimeline {
  static final int KEPT = 50;
  static final long FLOWING_MS = 10_000;

  /** {@code from} is empty when this node had not seen a leader before. */
  public record LeaderChange(long at, long term, String from, String to, Long writesWaitedMs) {}

  private final Supplier<String> leaderId;
  private final LongSupplier term;
  private final LongSupplier commitIndex;
  private final ArrayDeque<LeaderChange> changes = new ArrayDeque<>();
  private String leader = "";
  private long commit = -1;
  private long lastCommitAt;
  // The change whose first commit has not been seen yet, and when writes last committed before it.
  private LeaderChange awaitingCommit;
  private long committedBeforeChangeAt;

  LeaderTimeline(RaftNode raft) {
    this(raft::leaderId, raft::term, raft::commitIndex);
  }

  /** {@code leaderId} answers "" while no leader is known. */
  LeaderTimeline(Supplier<String> leaderId, LongSupplier term, LongSupplier commitIndex) {
    this.leaderId = leaderId;
    this.term = term;
    this.commitIndex = commitIndex;
  }

  synchronized void observe(long now) {
    long c = commitIndex.getAsLong();
    String current = leaderId.get();
    boolean advanced = c > commit;
    commit = c;
    if (!current.isEmpty() && !current.equals(leader)) {
      LeaderChange change = new LeaderChange(now, term.getAsLong(), leader, current, null);
      boolean flowing = !leader.isEmpty() && lastCommitAt > 0 && now - lastCommitAt <= FLOWING_MS;
      leader = current;
      add(change);
      awaitingCommit = flowing ? change : null;
      committedBeforeChangeAt = lastCommitAt;
      // A commit seen in the same look may be the old leader's last one; wait for the next.
      advanced = false;
    }
    if (advanced) {
      lastCommitAt = now;
      if (awaitingCommit != null) {
        replace(awaitingCommit, now - committedBeforeChangeAt);
        awaitingCommit = null;
      }
    }
  }

  private void add(LeaderChange change) {
    if (changes.size() == KEPT) {
      changes.removeFirst();
    }
    changes.addLast(change);
  }

  private void replace(LeaderChange change, long waitedMs) {
    if (changes.peekLast() == change) {
      changes.removeLast();
      changes.addLast(
          new LeaderChange(change.at(), change.term(), change.from(), change.to(), waitedMs));
    }
  }

  public synchronized List<LeaderChange> all() {
    return List.copyOf(changes);
  }

  /** When this node first saw the current leader; 0 when it knows none. */
  public synchronized long leaderSince() {
    LeaderChange last = changes.peekLast();
    return last == null || leader.isEmpty() ? 0 : last.at();
  }
}
