package io.eventstreamcore.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eventstreamcore.cli.local.LocalNode;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node whose Raft port another process holds exits and says why. Before, Ratis's own exit on the
 * failed bind deadlocked with Quarkus's shutdown hook and the node stayed half up for good.
 */
class RaftPortInUseIT {
  @TempDir Path dir;

  @Test
  void aNodeWhoseRaftPortIsTakenExitsAndSaysWhy() throws Exception {
    LocalNode node = Nodes.single(dir.resolve("n1"));
    int raftPort = node.spec().raftPort();
    try (ServerSocket taken = new ServerSocket(raftPort, 50, InetAddress.getLoopbackAddress())) {
      node.start();
      assertThatThrownBy(() -> node.awaitReady(Duration.ofSeconds(90)))
          .hasMessageContaining("exited with 1");
    } finally {
      node.kill();
    }
    assertThat(Files.readString(dir.resolve("n1").resolve("node.log")))
        .contains("the Raft port")
        .contains(":" + raftPort + " cannot be bound");
  }
}
