package io.eventstreamcore.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eventstreamcore.cli.local.LocalCluster;
import io.eventstreamcore.cli.local.LocalNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * A write made through a follower is in that follower's reads as soon as it is acknowledged. The
 * follower passes the write on to the leader, whose answer comes back before the follower has heard
 * of the commit from the leader's next message (ADR 0034), so a read right after the
 * acknowledgement could miss the write. Each write here is read back at once, with no wait.
 */
class FollowerReadsItsWritesIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TOPIC = "read-your-writes";
  private static final int WRITES = 40;

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path dir;

  @Test
  void aWriteAcknowledgedByAFollowerIsInItsNextRead() throws Exception {
    LocalCluster cluster = LocalCluster.of(dir, 3, LocalCluster.freeBasePort(3), List.of());
    try {
      cluster.start();
      cluster.awaitReady(Duration.ofSeconds(90));
      LocalNode leader = cluster.awaitLeader(Duration.ofSeconds(30));
      LocalNode follower =
          cluster.nodes().stream().filter(n -> n != leader).findFirst().orElseThrow();
      for (int i = 0; i < WRITES; i++) {
        String id = "w-" + i;
        JsonNode answer = produce(follower, id);
        assertThat(answer.path("results").path(0).path("status").asText())
            .as("the answer to %s: %s", id, answer)
            .isEqualTo("OK");
        long offset = answer.path("results").path(0).path("offset").asLong();
        assertThat(HttpEvents.ids(follower, TOPIC, offset, 10))
            .as("%s's read of offset %d right after acknowledging it", follower.spec().id(), offset)
            .startsWith(id);
      }
    } finally {
      Nodes.killAll(cluster);
    }
  }

  private static JsonNode produce(LocalNode node, String id) throws Exception {
    return HttpEvents.produce(
        node,
        TOPIC,
        List.of(JSON.createObjectNode().put("id", id).put("payload", "payload of " + id)));
  }
}
