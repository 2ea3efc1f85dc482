package io.eventstreamcore.node.replication;

import java.util.Comparator;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * A leader told to stop (SIGTERM: a rollout, a drain, {@code esc cluster down}) hands leadership to
 * its most caught-up voter before it closes, so the cluster never waits out an election timeout for
 * a departure it was told about. When no voter is reachable or the transfer does not complete in
 * time, the node stops anyway and the others elect as after a crash.
 */
public final class LeaderHandOff {
  private static final Logger LOG = Logger.getLogger(LeaderHandOff.class);

  /** Followers heard from longer ago than this are not asked to lead. */
  private static final long MAX_CONTACT_AGE_MS = 1_000;

  private LeaderHandOff() {}

  /**
   * @return the member that leads now, when this node handed leadership to it
   */
  public static Optional<String> run(RaftNode raft, long timeoutMs) {
    if (!raft.isLeader()) {
      return Optional.empty();
    }
    Optional<Member> successor =
        raft.members().stream()
            .filter(m -> m.role() == Member.Role.FOLLOWER)
            .filter(m -> m.lag() != null && m.lastContactMs() != null)
            .filter(m -> m.lastContactMs() <= MAX_CONTACT_AGE_MS)
            .min(Comparator.comparingLong(Member::lag));
    if (successor.isEmpty()) {
      LOG.info("stopping as leader: no voter in contact to hand leadership to");
      return Optional.empty();
    }
    String id = successor.get().peer().id();
    long start = System.nanoTime();
    try {
      raft.transferLeadership(id, timeoutMs);
      LOG.infof(
          "stopping: handed leadership to %s in %d ms",
          id, (System.nanoTime() - start) / 1_000_000);
      return Optional.of(id);
    } catch (Exception e) {
      LOG.warnf("stopping: handing leadership to %s failed (%s); the others will elect", id, e);
      return Optional.empty();
    }
  }
}
