package io.eventstreamcore.node.replication;

import io.eventstreamcore.node.security.PeerHttp;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Works around a Ratis 3.3.0 bug (RATIS-2605, fixed after that release): a restarted follower whose
 * log still holds an uncommitted tail from an old term can leave the leader with a wrong match
 * index for it; the leader then never sends it the entries it lacks and the follower stays behind
 * for good, answering every heartbeat INCONSISTENCY. Only a new leader, whose view of its followers
 * starts fresh, gets it going again. So the leader checks every second: a voter that answers but
 * whose match index has not moved for {@code stuckAfter} while it is behind, and that is not
 * copying a snapshot or short of disk space (a new leader would not help it, and every hand-off
 * costs the producers an election), makes the leader hand leadership to a caught-up voter.
 */
public final class StuckFollowerWatch implements Runnable {
  private static final Logger LOG = Logger.getLogger(StuckFollowerWatch.class);
  private static final Duration HTTP_TIMEOUT = Duration.ofSeconds(2);
  private static final long TRANSFER_TIMEOUT_MS = 3_000;

  /** A follower that answered the leader's heartbeats (every ~75 ms) within this is up. */
  private static final long ANSWERING_WITHIN_MS = 2_000;

  private final RaftNode raft;
  private final long stuckAfterMillis;
  private final long maxLag;
  private final PeerHttp peers;
  private HttpClient http;

  /** Follower id → {match index, when it was first seen at that index}. */
  private final Map<String, long[]> progress = new HashMap<>();

  /**
   * @param maxLag a voter this close to the commit index may take over leadership
   */
  public StuckFollowerWatch(RaftNode raft, Duration stuckAfter, long maxLag, PeerHttp peers) {
    this.raft = raft;
    this.peers = peers;
    this.stuckAfterMillis = stuckAfter.toMillis();
    this.maxLag = maxLag;
  }

  @Override
  public void run() {
    try {
      List<Member> members = raft.members();
      boolean leading =
          members.stream()
              .anyMatch(m -> m.role() == Member.Role.LEADER && m.peer().id().equals(raft.selfId()));
      if (!leading) {
        progress.clear();
        return;
      }
      for (Member stuck : stuck(System.currentTimeMillis(), members)) {
        if (!behindForAKnownReason(stuck.peer())) {
          handOver(stuck, members);
          return;
        }
      }
    } catch (RuntimeException e) {
      LOG.warn("stuck-follower check failed", e);
    }
  }

  /**
   * Voters that answer, are behind, and whose match index has not moved while they answered for
   * stuckAfter.
   */
  List<Member> stuck(long nowMillis, List<Member> members) {
    List<Member> stuck = new ArrayList<>();
    Map<String, long[]> seen = new HashMap<>();
    for (Member m : members) {
      if (m.role() != Member.Role.FOLLOWER || m.matchIndex() == null) {
        continue;
      }
      // The clock runs only while the follower answers: one that was down has had no chance to
      // advance, and one just restarted is usually catching up, not stuck.
      if (m.lastContactMs() == null || m.lastContactMs() >= ANSWERING_WITHIN_MS) {
        continue;
      }
      long[] before = progress.get(m.peer().id());
      long[] now =
          before != null && before[0] == m.matchIndex()
              ? before
              : new long[] {m.matchIndex(), nowMillis};
      seen.put(m.peer().id(), now);
      if (m.lag() > 0 && nowMillis - now[1] >= stuckAfterMillis) {
        stuck.add(m);
      }
    }
    progress.clear();
    progress.putAll(seen);
    return stuck;
  }

  /** The follower's readiness says it copies a snapshot or its volume is full. */
  private boolean behindForAKnownReason(Peer follower) {
    try {
      if (http == null) {
        http = peers.newClient(HTTP_TIMEOUT);
      }
      HttpResponse<String> ready =
          http.send(
              peers
                  .request(follower.httpEndpoint() + "/q/health/ready")
                  .timeout(HTTP_TIMEOUT)
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      String body = ready.body().replace(" ", "");
      return body.contains("\"catchingUp\":true") || body.contains("\"storage\":\"storagefull");
    } catch (IOException e) {
      // Unknown: leave leadership where it is rather than move it on a guess.
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return true;
    }
  }

  private void handOver(Member stuck, List<Member> members) {
    Optional<Member> target =
        members.stream()
            .filter(m -> m.role() == Member.Role.FOLLOWER && m != stuck)
            .filter(m -> m.lag() != null && m.lag() <= maxLag)
            .min(Comparator.comparingLong(Member::lag));
    if (target.isEmpty()) {
      return;
    }
    LOG.warnf(
        "follower %s has answered but not advanced from match index %d for %d ms (%d entries"
            + " behind); handing leadership to %s so that a new leader resyncs it (RATIS-2605)",
        stuck.peer().id(),
        stuck.matchIndex(),
        stuckAfterMillis,
        stuck.lag(),
        target.get().peer().id());
    try {
      raft.membership().transferLeadership(target.get().peer().id(), TRANSFER_TIMEOUT_MS);
      progress.clear();
    } catch (IOException e) {
      LOG.warnf("leadership transfer to %s failed: %s", target.get().peer().id(), e.toString());
    }
  }
}
