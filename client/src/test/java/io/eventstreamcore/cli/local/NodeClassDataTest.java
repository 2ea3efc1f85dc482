package io.eventstreamcore.cli.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeClassDataTest {
  @TempDir Path dir;

  @Test
  void nodesUseTheArchiveBesideTheirJarOnlyOnceOneWasMadeForThisJvm() throws Exception {
    Path jar = Files.createFile(dir.resolve("quarkus-run.jar"));
    Path archive = NodeClassData.archiveFor(jar);
    assertThat(archive.getParent()).isEqualTo(dir.toAbsolutePath());
    assertThat(archive.getFileName().toString())
        .startsWith("esc-node-" + Runtime.version().feature())
        .endsWith(".jsa");

    assertThat(NodeClassData.useOptions(jar)).as("none made yet").isEmpty();

    Files.createFile(archive);
    assertThat(NodeClassData.useOptions(jar)).containsExactly("-XX:SharedArchiveFile=" + archive);
  }
}
