package io.eventstreamcore.node.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventstreamcore.node.dashboard.LeaderTimeline.LeaderChange;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class LeaderTimelineTest {
  private final AtomicReference<String> leader = new AtomicReference<>("");
  private final AtomicLong term = new AtomicLong();
  private final AtomicLong commit = new AtomicLong(-1);
  private final LeaderTimeline timeline = new LeaderTimeline(leader::get, term::get, commit::get);

  @Test
  void theFirstLeaderSeenHasNoPredecessorAndNoWait() {
    elect("n1", 1, 0);
    commit.set(5);
    timeline.observe(1_200);

    assertThat(timeline.all()).containsExactly(new LeaderChange(1_000, 1, "", "n1", null));
    assertThat(timeline.leaderSince()).isEqualTo(1_000);
  }

  @Test
  void writesWaitedFromTheOldLeadersLastCommitToTheNewLeadersFirst() {
    elect("n1", 1, 0);
    for (long t = 1_200; t <= 3_000; t += 200) {
      commit.incrementAndGet();
      timeline.observe(t);
    }
    // n1 dies at 3,000: no commits until n2 leads at 4,000 and commits at 4,400.
    timeline.observe(3_600);
    elect("n2", 2, 4_000);
    timeline.observe(4_200);
    commit.incrementAndGet();
    timeline.observe(4_400);

    assertThat(timeline.all()).last().isEqualTo(new LeaderChange(4_000, 2, "n1", "n2", 1_400L));
  }

  @Test
  void aChangeWhileNothingWasWrittenHasNoWait() {
    elect("n1", 1, 0);
    commit.incrementAndGet();
    timeline.observe(1_200);
    elect("n2", 2, 1_200 + LeaderTimeline.FLOWING_MS + 1);
    commit.incrementAndGet();
    timeline.observe(1_200 + LeaderTimeline.FLOWING_MS + 200);

    assertThat(timeline.all()).last().extracting(LeaderChange::writesWaitedMs).isNull();
  }

  @Test
  void aLeaderLostAndFoundAgainIsNoChange() {
    elect("n1", 1, 0);
    leader.set("");
    timeline.observe(1_200);
    leader.set("n1");
    timeline.observe(1_400);

    assertThat(timeline.all()).hasSize(1);
  }

  @Test
  void keepsTheNewestChangesOnly() {
    for (int i = 1; i <= LeaderTimeline.KEPT + 5; i++) {
      elect("n" + (i % 3), i, i * 1_000L);
    }
    assertThat(timeline.all()).hasSize(LeaderTimeline.KEPT);
    assertThat(timeline.all().get(0).term()).isEqualTo(6);
  }

  private void elect(String id, long newTerm, long at) {
    leader.set(id);
    term.set(newTerm);
    timeline.observe(at == 0 ? 1_000 : at);
  }
}
