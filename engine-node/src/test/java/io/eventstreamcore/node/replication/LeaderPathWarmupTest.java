package io.eventstreamcore.node.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
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

    AtomicBoolean serverStillThereWhenWarm = new AtomicBoolean();
    LeaderPathWarmup.run(
        new RaftProperties(),
        dir,
        () -> serverStillThereWhenWarm.set(Files.exists(dir.resolve("warmup"))));

    assertThat(serverStillThereWhenWarm)
        .as("warm as soon as its entries are in, before the server's slow close")
        .isTrue();
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

  @Test
  void isNotWarmUntilItsWarmUpHasRun() {
    AtomicBoolean caughtUp = new AtomicBoolean();
    BooleanSupplier warm =
        LeaderPathWarmup.startInBackground(
            new RaftProperties(), dataDir, () -> false, caughtUp::get);
    assertThat(warm.getAsBoolean()).as("warm while still waiting to catch up").isFalse();

    caughtUp.set(true);

    await("warm-up done").atMost(Duration.ofSeconds(60)).until(warm::getAsBoolean);
    await("throwaway group removed")
        .atMost(Duration.ofSeconds(30))
        .until(() -> !Files.exists(dataDir.resolve("raft-warmup")));
  }

  @Test
  void aNodeThatLeadsFirstIsWarmWithoutAWarmUp() {
    BooleanSupplier warm =
        LeaderPathWarmup.startInBackground(new RaftProperties(), dataDir, () -> true, () -> false);

    await("warm-up skipped").atMost(Duration.ofSeconds(10)).until(warm::getAsBoolean);
    assertThat(dataDir.resolve("raft-warmup")).doesNotExist();
  }
}
