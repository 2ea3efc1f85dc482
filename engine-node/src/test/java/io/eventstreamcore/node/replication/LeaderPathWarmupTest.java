package io.eventstreamcore.node.replication;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
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
}
