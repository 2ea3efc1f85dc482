package io.eventstreamcore.node.replication;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventstreamcore.protocol.NodeRole;
import java.nio.file.Files;
import java.nio.file.Path;
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
    for (String name :
        new String[] {
          "log_0-0", "log_inprogress_1", "raft-meta", "raft-meta.conf", "in_use.lock"
        }) {
      Files.writeString(dir.resolve(name), name);
    }
    FoundingLogReset.dropLogSegments(dir.toFile());
    try (var left = Files.list(dir)) {
      assertThat(left.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("raft-meta", "raft-meta.conf", "in_use.lock");
    }
  }
}
