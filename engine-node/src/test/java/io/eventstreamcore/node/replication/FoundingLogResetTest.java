package io.eventstreamcore.node.replication;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventstreamcore.protocol.NodeRole;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FoundingLogResetTest {
  @TempDir Path dir;

  @Test
  void aFollowerWithOnlyItsFoundingEntryCommittedAndNoDataMayDropItsLog() {
    assertThat(FoundingLogReset.refusal(NodeRole.FOLLOWER, 0, 0, false)).isEmpty();
    assertThat(FoundingLogReset.refusal(NodeRole.FOLLOWER, 0, -1, false)).isEmpty();
  }

  @Test
  void anythingMoreThanTheFoundingEntryIsKept() {
    assertThat(FoundingLogReset.refusal(NodeRole.FOLLOWER, 1, 0, false))
        .hasValueSatisfying(why -> assertThat(why).contains("committed through index 1"));
    assertThat(FoundingLogReset.refusal(NodeRole.FOLLOWER, 0, 3, false))
        .hasValueSatisfying(why -> assertThat(why).contains("applied through 3"));
    assertThat(FoundingLogReset.refusal(NodeRole.FOLLOWER, 0, 0, true))
        .hasValueSatisfying(why -> assertThat(why).contains("stored records"));
  }

  @Test
  void aLogThatCommittedNothingIsLeftToTheLeadersAppends() {
    assertThat(FoundingLogReset.refusal(NodeRole.FOLLOWER, -1, -1, false))
        .hasValueSatisfying(why -> assertThat(why).contains("committed nothing"));
  }

  @Test
  void onlyAFollowerDropsItsLog() {
    assertThat(FoundingLogReset.refusal(NodeRole.LEADER, 0, 0, false)).isPresent();
    assertThat(FoundingLogReset.refusal(NodeRole.CANDIDATE, 0, 0, false)).isPresent();
  }

  @Test
  void droppingTheLogKeepsTermVoteAndConfiguration() throws Exception {
    Path current = Files.createDirectories(dir.resolve("current"));
    for (String name :
        new String[] {
          "log_0-0", "log_inprogress_1", "raft-meta", "raft-meta.conf", "in_use.lock"
        }) {
      Files.writeString(current.resolve(name), name);
    }
    FoundingLogReset.dropLogAndSnapshots(current.toFile());
    assertThat(namesIn(current))
        .containsExactlyInAnyOrder("raft-meta", "raft-meta.conf", "in_use.lock");
  }

  @Test
  void theSnapshotTheStopTookOfTheDivergedEntryGoesWithTheLog() throws Exception {
    Path current = Files.createDirectories(dir.resolve("current"));
    Path sm = Files.createDirectories(dir.resolve("sm"));
    Files.writeString(current.resolve("log_inprogress_0"), "entry 0, term 3");
    Files.writeString(sm.resolve("snapshot.3_0"), "the state after entry 0");
    Files.writeString(sm.resolve("snapshot.3_0.md5"), "its digest");
    FoundingLogReset.dropLogAndSnapshots(current.toFile());
    assertThat(namesIn(current)).isEmpty();
    assertThat(namesIn(sm)).isEmpty();
  }

  private static List<String> namesIn(Path dir) throws IOException {
    try (var left = Files.list(dir)) {
      return left.map(p -> p.getFileName().toString()).toList();
    }
  }
}
