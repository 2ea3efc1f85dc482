package io.eventstreamcore.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventstreamcore.cli.local.LocalNode;
import io.eventstreamcore.cli.local.NodeClassData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The class-data archive that the build trained (ADR 0023) is one the nodes' JVM accepts, and it
 * holds the classes a starting node spends its time on: ours, Ratis's leader side, Hazelcast.
 */
class NodeClassDataIT {
  @TempDir Path dir;

  @Test
  void aNodeMapsTheTrainedArchiveWithRaftAndItsOwnClassesInIt() throws Exception {
    Path archive = NodeClassData.archiveFor(LocalNode.defaultNodeJar());
    assertThat(archive)
        .as("the client module's package phase trains it; its output says why if it failed")
        .isRegularFile();
    Path classLog = dir.resolve("classes.log");
    // -Xshare:on: a JVM that cannot map the archive (stale, or of another JVM build) refuses to
    // start instead of quietly running without it.
    LocalNode node =
        Nodes.single(dir.resolve("n1"))
            .withJvmOptions(
                List.of(
                    "-XX:SharedArchiveFile=" + archive,
                    "-Xshare:on",
                    "-Xlog:class+load=info:file=" + classLog));
    try {
      node.start();
      node.awaitReady(Duration.ofSeconds(60));
    } finally {
      node.stop();
    }
    List<String> fromArchive =
        Files.readAllLines(classLog).stream()
            .filter(l -> l.endsWith("source: shared objects file (top)"))
            .toList();
    assertThat(fromArchive)
        .anyMatch(l -> l.contains(" io.eventstreamcore.node.Engine "))
        .anyMatch(l -> l.contains(" org.apache.ratis.server.impl.LeaderStateImpl "))
        .anyMatch(l -> l.contains(" com.hazelcast.instance.impl.HazelcastInstanceImpl "));
  }
}
