package io.eventstreamcore.node.replication;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class StuckFollowerWatchTest {
  private final StuckFollowerWatch watch =
      new StuckFollowerWatch(null, Duration.ofSeconds(10), 1_000, null);

  private static Member follower(String id, long match, long lag, long lastContactMs) {
    return follower(id, match, lag, lastContactMs, match);
  }

  private static Member follower(
      String id, long match, long lag, long lastContactMs, long reportedCommit) {
    return new Member(
        new Peer(id, "127.0.0.1", 1, 2, 3),
        Member.Role.FOLLOWER,
        match,
        lag,
        lastContactMs,
        reportedCommit);
  }

  private static Member leader() {
    return new Member(new Peer("n1", "127.0.0.1", 1, 2, 3), Member.Role.LEADER, 200L, 0L, 0L, 200L);
  }

  private List<String> stuckAt(long millis, Member... followers) {
    List<Member> members = new java.util.ArrayList<>(List.of(followers));
    members.add(leader());
    return watch.stuck(millis, members).stream().map(m -> m.peer().id()).toList();
  }

  @Test
  void anAnsweringFollowerBehindWithAnUnmovedMatchIndexIsStuckAfterTheLimit() {
    assertThat(stuckAt(0, follower("n2", 100, 100, 50), follower("n3", 200, 0, 50))).isEmpty();
    assertThat(stuckAt(9_999, follower("n2", 100, 150, 50), follower("n3", 250, 0, 50))).isEmpty();
    assertThat(stuckAt(10_000, follower("n2", 100, 160, 50), follower("n3", 260, 0, 50)))
        .containsExactly("n2");
  }

  @Test
  void progressRestartsTheClock() {
    stuckAt(0, follower("n2", 100, 100, 50));
    stuckAt(8_000, follower("n2", 101, 100, 50));
    assertThat(stuckAt(12_000, follower("n2", 101, 120, 50))).isEmpty();
    assertThat(stuckAt(18_000, follower("n2", 101, 130, 50))).containsExactly("n2");
  }

  @Test
  void timeDownDoesNotCountOnlyTimeAnswering() {
    stuckAt(0, follower("n2", 100, 100, 50));
    stuckAt(15_000, follower("n2", 100, 400, 15_000));
    assertThat(stuckAt(16_000, follower("n2", 100, 500, 50)))
        .as("just back after 15 s down: catching up, not stuck")
        .isEmpty();
    assertThat(stuckAt(25_999, follower("n2", 100, 600, 50))).isEmpty();
    assertThat(stuckAt(26_000, follower("n2", 100, 600, 50))).containsExactly("n2");
  }

  @Test
  void aSilentFollowerIsDownNotStuckAndOneInStepIsFine() {
    stuckAt(0, follower("n2", 100, 100, 50), follower("n3", 200, 0, 50));
    assertThat(stuckAt(20_000, follower("n2", 100, 300, 15_000), follower("n3", 200, 0, 50)))
        .isEmpty();
  }

  @Test
  void aFollowerCommittedPastItsMatchIndexIsAskedToRestartThenHandedOverIfStillStuck() {
    stuckAt(0, follower("n2", 100, 100, 50));
    Member stuck = follower("n2", 100, 200, 50);
    assertThat(stuckAt(10_000, stuck)).containsExactly("n2");
    assertThat(watch.remedy(stuck, 150)).isEqualTo(StuckFollowerWatch.Remedy.RESTART_FOLLOWER);
    watch.askedToRestart(stuck);

    assertThat(stuckAt(12_000, follower("n2", 100, 250, 50)))
        .as("the clock starts again after the request")
        .isEmpty();
    assertThat(stuckAt(22_000, stuck)).containsExactly("n2");
    assertThat(watch.remedy(stuck, 150)).isEqualTo(StuckFollowerWatch.Remedy.HAND_OVER);
  }

  @Test
  void aLeaderAheadOfWhatTheFollowerCommittedHandsOverAtOnce() {
    // RATIS-2605 as esc failover-bench shows it: the leader's match index 507, the follower's
    // commit index 496.
    Member stuck = follower("n2", 507, 736, 50);
    assertThat(watch.remedy(stuck, 496)).isEqualTo(StuckFollowerWatch.Remedy.HAND_OVER);
    assertThat(watch.remedy(stuck, -1)).isEqualTo(StuckFollowerWatch.Remedy.HAND_OVER);
  }

  @Test
  void aFollowerThatMovedAfterTheRestartIsAskedToRestartAgainWhenStuckLater() {
    Member stuck = follower("n2", 100, 200, 50);
    stuckAt(0, stuck);
    stuckAt(10_000, stuck);
    watch.askedToRestart(stuck);
    stuckAt(11_000, follower("n2", 100, 200, 5_000));
    assertThat(watch.remedy(stuck, 150))
        .as("silent while it restarts: on record")
        .isEqualTo(StuckFollowerWatch.Remedy.HAND_OVER);

    Member later = follower("n2", 300, 200, 50);
    stuckAt(12_000, later);
    assertThat(stuckAt(22_000, later)).containsExactly("n2");
    assertThat(watch.remedy(later, 301)).isEqualTo(StuckFollowerWatch.Remedy.RESTART_FOLLOWER);
  }

  @Test
  void theFollowersReadinessGivesItsCommitIndexAndKnownReasons() {
    String ready =
        "{\"status\":\"DOWN\",\"checks\":[{\"name\":\"raft-member\",\"status\":\"DOWN\","
            + "\"data\":{\"role\":\"FOLLOWER\",\"leader\":\"n3\",\"term\":4,"
            + "\"commitIndex\":496,\"appliedIndex\":496,\"catchingUp\":false,"
            + "\"storage\":\"ok\"}}]}";
    assertThat(StuckFollowerWatch.commitIndex(ready)).isEqualTo(496);
    assertThat(StuckFollowerWatch.behindForAKnownReason(ready)).isFalse();
    assertThat(StuckFollowerWatch.behindForAKnownReason(ready.replace("false", "true"))).isTrue();
    assertThat(StuckFollowerWatch.commitIndex("{}")).isEqualTo(-1);
  }

  @Test
  void onAnIdleGroupAFollowerWhoseMatchIndexIsPastWhatItCommittedIsStuck() {
    // RATIS-2605 after a follower's full volume: the leader believes it holds 138 (lag 0), it
    // reports commit index 104 and does not move.
    assertThat(stuckAt(0, follower("n2", 138, 0, 50, 104))).isEmpty();
    assertThat(stuckAt(10_000, follower("n2", 138, 0, 50, 104))).containsExactly("n2");
  }

  @Test
  void anIdleFollowerInStepIsNotStuckAndAMovingCommitIndexRestartsTheClock() {
    stuckAt(0, follower("n2", 138, 0, 50, 138), follower("n3", 138, 0, 50, 130));
    stuckAt(8_000, follower("n2", 138, 0, 50, 138), follower("n3", 138, 0, 50, 137));
    assertThat(stuckAt(12_000, follower("n2", 138, 0, 50, 138), follower("n3", 138, 0, 50, 137)))
        .isEmpty();
  }
}
