package io.eventstreamcore.node.replication;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.ratis.conf.RaftProperties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LeaderPathWarmupTest {
  @TempDir Path dataDir;

  @Test
  void leadsAThrowawayGroupAndLeavesNothingBehind() throws Exception {
    Path dir = dataDir.resolve("raft-warmup");
    // What a crash during an earlier warm-up would have left.
    Files.createDirectories(dir.resolve("warmup/current"));
    Files.writeString(dir.resolve("warmup/current/log_inprogress_0"), "stale");

    LeaderPathWarmup.run(new RaftProperties(), dir);

    assertThat(dir).doesNotExist();
    try (var left = Files.list(dataDir)) {
      assertThat(left).isEmpty();
    }
  }

  @Test
  void waitsForACaughtUpFollowerAndSkipsANodeThatLeadsFirst() throws Exception {
    AtomicInteger polls = new AtomicInteger();
    assertThat(
            LeaderPathWarmup.awaitCaughtUpFollower(
                () -> false, () -> polls.incrementAndGet() >= 3, Duration.ofSeconds(10)))
        .as("warms up once the node follows a caught-up log")
        .isTrue();
    assertThat(polls).hasValue(3);

    assertThat(
            LeaderPathWarmup.awaitCaughtUpFollower(() -> true, () -> true, Duration.ofSeconds(10)))
        .as("a leader has loaded the leader side by leading")
        .isFalse();
    assertThat(
            LeaderPathWarmup.awaitCaughtUpFollower(
                () -> false, () -> false, Duration.ofMillis(300)))
        .as("gives up on a node that never catches up")
        .isFalse();
  }
}
