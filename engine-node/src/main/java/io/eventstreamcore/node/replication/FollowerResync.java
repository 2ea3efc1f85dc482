package io.eventstreamcore.node.replication;

import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * A follower's side of its leader's request to restart its Raft server in place, which reloads the
 * log and the commit index from disk. The leader asks when this follower answers its appends but
 * has not advanced for a while ({@link StuckFollowerWatch}).
 *
 * <p>Why: Ratis 3.3.0 can leave a follower with a commit index its log does not back, and such a
 * follower refuses every append for good, under any leader. Two {@code FaultInjectionIT} runs
 * showed it: the commit index past the end of the log (seed 56264753948237, also caught on the
 * follower by {@link CommitPastLogWatch}) and the commit index on an entry of an older term that
 * the leader's log does not hold (seed 58111423587779, which the follower cannot see by itself).
 * Both fit one race in Ratis's append chain: a heartbeat passes the consistency check against
 * appends that are only queued, and raises the commit index over whatever the log holds at that
 * moment. The chain is off by default (ADR 0028); this stays for when it is on. A restart reloads
 * the commit index from the commit records in the log on disk, which only a leader of a term writes
 * about entries a quorum holds. The leader's view is what shows the follower is stuck; the follower
 * only checks that the request comes from the leader it follows.
 */
public final class FollowerResync {
  private static final Logger LOG = Logger.getLogger(FollowerResync.class);

  /** What the request reads and does; {@link RaftNode} and the state machine in production. */
  interface Node {
    boolean isLeader();

    /** The leader this node follows, or empty. */
    String leaderId();

    boolean catchingUp();

    void restartInPlace(String why) throws IOException;
  }

  private final Node node;
  private final Executor executor;
  private final AtomicBoolean restarting = new AtomicBoolean();

  /**
   * @param executor where the restart runs, so the request is answered at once
   */
  public FollowerResync(RaftNode raft, Executor executor) {
    this(
        new Node() {
          @Override
          public boolean isLeader() {
            return raft.isLeader();
          }

          @Override
          public String leaderId() {
            return raft.leaderId();
          }

          @Override
          public boolean catchingUp() {
            return raft.stateMachine().isCatchingUp();
          }

          @Override
          public void restartInPlace(String why) throws IOException {
            raft.restartInPlace(why);
          }
        },
        executor);
  }

  FollowerResync(Node node, Executor executor) {
    this.node = node;
    this.executor = executor;
  }

  /**
   * Starts the restart the leader asked for.
   *
   * @param leaderId who asks
   * @return why the request is refused, or empty once the restart is started
   */
  public Optional<String> request(String leaderId) {
    if (node.isLeader()) {
      return Optional.of("this node leads");
    }
    String following = node.leaderId();
    if (!following.equals(leaderId)) {
      return Optional.of(
          "this node follows "
              + (following.isEmpty() ? "no leader" : following)
              + ", not "
              + leaderId);
    }
    if (node.catchingUp()) {
      return Optional.of("this node is copying the leader's snapshot");
    }
    if (!restarting.compareAndSet(false, true)) {
      return Optional.of("a restart is already under way");
    }
    executor.execute(
        () -> {
          try {
            node.restartInPlace(
                "leader "
                    + leaderId
                    + " sees this follower answer without advancing; a restart reloads the commit"
                    + " index from the log on disk");
          } catch (IOException | RuntimeException e) {
            LOG.error("restarting the Raft server at the leader's request failed", e);
          } finally {
            restarting.set(false);
          }
        });
    return Optional.empty();
  }
}
