package io.eventstreamcore.node.replication;

import io.eventstreamcore.node.security.PeerHttp;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * Gets a follower going again that answers the leader but has stopped advancing. The leader checks
 * every second: a voter that answers but whose match index has not moved for {@code stuckAfter}
 * while it is behind, and that is not copying a snapshot or short of disk space (neither remedy
 * would help it), is stuck. Two Ratis 3.3.0 bugs leave a follower so, each with its own remedy,
 * told apart by the commit index the follower reports against the leader's match index for it:
 *
 * <ul>
 *   <li>The follower's commit index is past the match index: its commit index is not backed by its
 *       log ({@link FollowerResync}), it refuses every append under any leader, and only a restart
 *       of its Raft server helps. So the leader asks it to restart in place.
 *   <li>Otherwise the leader holds a wrong match index for it (RATIS-2605, fixed after that
 *       release: the match index is ahead of what the follower holds, and {@code esc
 *       failover-bench} shows it after nearly every restart of a killed leader). The leader never
 *       sends it the entries it lacks, and only a new leader, whose view of its followers starts
 *       fresh, helps; a restart of the follower does not. So the leader hands leadership to a
 *       caught-up voter. It does so too for a follower still stuck at the same match index after a
 *       restart.
 * </ul>
 */
public final class StuckFollowerWatch implements Runnable {
  private static final Logger LOG = Logger.getLogger(StuckFollowerWatch.class);
  private static final Duration HTTP_TIMEOUT = Duration.ofSeconds(2);
  private static final long TRANSFER_TIMEOUT_MS = 3_000;
  private static final Pattern COMMIT_INDEX = Pattern.compile("\"commitIndex\":(-?\\d+)");

  /** A follower that answered the leader's heartbeats (every ~75 ms) within this is up. */
  private static final long ANSWERING_WITHIN_MS = 2_000;

  private final RaftNode raft;
  private final long stuckAfterMillis;
  private final long maxLag;
  private final PeerHttp peers;
  private HttpClient http;

  /**
   * Follower id → {match index, when it was first seen at that match and commit index, the commit
   * index it reported}.
   */
  private final Map<String, long[]> progress = new HashMap<>();

  /** Follower id → the match index it was stuck at when it was asked to restart. */
  private final Map<String, Long> askedToRestart = new HashMap<>();

  /** What the leader does about a stuck follower. */
  enum Remedy {
    RESTART_FOLLOWER,
    HAND_OVER
  }

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
        askedToRestart.clear();
        return;
      }
      for (Member stuck : stuck(System.currentTimeMillis(), members)) {
        Optional<String> readiness = readiness(stuck.peer());
        // Unknown: leave it where it is rather than act on a guess.
        if (readiness.isEmpty() || behindForAKnownReason(readiness.get())) {
          continue;
        }
        if (remedy(stuck, commitIndex(readiness.get())) == Remedy.HAND_OVER
            || !askToRestart(stuck)) {
          handOver(stuck, members);
        }
        return;
      }
    } catch (RuntimeException e) {
      LOG.warn("stuck-follower check failed", e);
    }
  }

  /**
   * Voters that answer, are behind (the leader's commit index past their match index, or their
   * match index past the commit index they report), and whose match and commit index have not moved
   * while they answered for stuckAfter.
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
      long commit = m.commitIndex() == null ? -1 : m.commitIndex();
      long[] before = progress.get(m.peer().id());
      long[] now =
          before != null && before[0] == m.matchIndex() && before[2] == commit
              ? before
              : new long[] {m.matchIndex(), nowMillis, commit};
      seen.put(m.peer().id(), now);
      // Behind the leader's commit, or behind what the leader believes it holds: the latter is
      // RATIS-2605 on an idle group, where the lag reads 0.
      boolean behind = m.lag() > 0 || commit < m.matchIndex();
      if (behind && nowMillis - now[1] >= stuckAfterMillis) {
        stuck.add(m);
      }
    }
    progress.clear();
    progress.putAll(seen);
    // A follower that moved on since it was asked to restart was helped; one that is silent (as
    // while it restarts) is left on record.
    for (Member m : members) {
      Long asked = askedToRestart.get(m.peer().id());
      if (asked != null && m.matchIndex() != null && m.matchIndex() != asked.longValue()) {
        askedToRestart.remove(m.peer().id());
      }
    }
    return stuck;
  }

  /**
   * A restart for a follower committed past its match index, unless it was asked to restart at this
   * match index already; otherwise a hand-off.
   *
   * @param followerCommit the commit index the follower reports, or -1 when it reports none
   */
  Remedy remedy(Member stuck, long followerCommit) {
    Long asked = askedToRestart.get(stuck.peer().id());
    boolean restartedHere = asked != null && asked.longValue() == stuck.matchIndex();
    return followerCommit > stuck.matchIndex() && !restartedHere
        ? Remedy.RESTART_FOLLOWER
        : Remedy.HAND_OVER;
  }

  /**
   * Records the request whatever the answer, so that a follower stuck at the same match index is
   * handed over next time; its clock starts again.
   */
  void askedToRestart(Member stuck) {
    askedToRestart.put(stuck.peer().id(), stuck.matchIndex());
    progress.remove(stuck.peer().id());
  }

  private boolean askToRestart(Member stuck) {
    askedToRestart(stuck);
    LOG.warnf(
        "follower %s has answered but not advanced from match index %d for %d ms (%d entries"
            + " behind); asking it to restart its Raft server in place",
        stuck.peer().id(), stuck.matchIndex(), stuckAfterMillis, stuck.lag());
    try {
      HttpResponse<String> answer =
          client()
              .send(
                  peers
                      .request(
                          stuck.peer().httpEndpoint()
                              + "/internal/v1/raft/resync?leader="
                              + URLEncoder.encode(raft.selfId(), StandardCharsets.UTF_8))
                      .timeout(HTTP_TIMEOUT)
                      .POST(HttpRequest.BodyPublishers.noBody())
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      if (answer.statusCode() == 202) {
        return true;
      }
      LOG.warnf(
          "follower %s refused to restart (%d): %s",
          stuck.peer().id(), answer.statusCode(), answer.body());
    } catch (IOException e) {
      LOG.warnf("asking follower %s to restart failed: %s", stuck.peer().id(), e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return false;
  }

  private HttpClient client() {
    if (http == null) {
      http = peers.newClient(HTTP_TIMEOUT);
    }
    return http;
  }

  /** The follower's readiness document, or empty when it cannot be read. */
  private Optional<String> readiness(Peer follower) {
    try {
      return Optional.of(
          client()
              .send(
                  peers
                      .request(follower.httpEndpoint() + "/q/health/ready")
                      .timeout(HTTP_TIMEOUT)
                      .build(),
                  HttpResponse.BodyHandlers.ofString())
              .body()
              .replace(" ", ""));
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  /** The follower's readiness says it copies a snapshot or its volume is full. */
  static boolean behindForAKnownReason(String readiness) {
    return readiness.contains("\"catchingUp\":true")
        || readiness.contains("\"storage\":\"storagefull");
  }

  /** The commit index in the follower's readiness, or -1. */
  static long commitIndex(String readiness) {
    Matcher m = COMMIT_INDEX.matcher(readiness);
    return m.find() ? Long.parseLong(m.group(1)) : -1;
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
            + " behind, reporting commit index %d); handing leadership to %s so that a new leader"
            + " resyncs it (RATIS-2605)",
        stuck.peer().id(),
        stuck.matchIndex(),
        stuckAfterMillis,
        stuck.lag(),
        stuck.commitIndex(),
        target.get().peer().id());
    try {
      raft.membership().transferLeadership(target.get().peer().id(), TRANSFER_TIMEOUT_MS);
      progress.clear();
    } catch (IOException e) {
      LOG.warnf("leadership transfer to %s failed: %s", target.get().peer().id(), e.toString());
    }
  }
}
