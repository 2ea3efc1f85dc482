package io.eventstreamcore.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventstreamcore.cli.local.LocalNode;
import io.eventstreamcore.cli.local.NodeClassData;
import io.eventstreamcore.cli.local.NodeRuntime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The class data that the build trained (ADRs 0023 and 0038) is data the nodes' runtime accepts,
 * and it holds the classes a starting node spends its time on: ours, Ratis's leader side,
 * Hazelcast.
 */
class NodeClassDataIT {
  @TempDir Path dir;

  @Test
  void aNodeMapsTheTrainedArchiveWithRaftAndItsOwnClassesInIt() throws Exception {
    NodeRuntime runtime = NodeRuntime.select();
    Path archive = NodeClassData.archiveFor(LocalNode.defaultNodeJar(), runtime);
    assertThat(archive)
        .as("the client module's package phase trains it; its output says why if it failed")
        .isRegularFile();
    Path classLog = dir.resolve("classes.log");
    // -Xshare:on and -XX:AOTMode=on: a JVM that cannot map the archive or cache (stale, or of
    // another JVM build) refuses to start instead of quietly running without it.
    List<String> strictly =
        runtime.keepsAotCache()
            ? List.of("-XX:AOTCache=" + archive, "-XX:AOTMode=on")
            : List.of("-XX:SharedArchiveFile=" + archive, "-Xshare:on");
    LocalNode node =
        Nodes.single(dir.resolve("n1"))
            .withJvmOptions(
                Stream.concat(
                        strictly.stream(), Stream.of("-Xlog:class+load=info:file=" + classLog))
                    .toList());
    try {
      node.start();
      node.awaitReady(Duration.ofSeconds(60));
    } finally {
      node.stop();
    }
    List<String> fromArchive =
        Files.readAllLines(classLog).stream()
            .filter(l -> l.contains("source: shared objects file"))
            .toList();
    assertThat(fromArchive)
        .anyMatch(l -> l.contains(" io.eventstreamcore.node.Engine "))
        .anyMatch(l -> l.contains(" org.apache.ratis.server.impl.LeaderStateImpl "))
        .anyMatch(l -> l.contains(" com.hazelcast.instance.impl.HazelcastInstanceImpl "));
  }
}
