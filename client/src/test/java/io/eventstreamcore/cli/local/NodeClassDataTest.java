package io.eventstreamcore.cli.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeClassDataTest {
  private static final NodeRuntime JDK17 =
      new NodeRuntime(Path.of("/jdk17"), Runtime.Version.parse("17.0.15+6-Debian-1deb12u1"));
  private static final NodeRuntime JDK25 =
      new NodeRuntime(Path.of("/jdk25"), Runtime.Version.parse("25.0.3+9-LTS"));

  @TempDir Path dir;

  @Test
  void nodesUseTheArchiveBesideTheirJarOnlyOnceOneWasMadeForTheirRuntime() throws Exception {
    Path jar = Files.createFile(dir.resolve("quarkus-run.jar"));
    Path archive = NodeClassData.archiveFor(jar, JDK17);
    assertThat(archive.getParent()).isEqualTo(dir.toAbsolutePath());
    assertThat(archive.getFileName()).hasToString("esc-node-17.0.15+6-Debian-1deb12u1.jsa");

    assertThat(NodeClassData.useOptions(jar, JDK17)).as("none made yet").isEmpty();

    Files.createFile(archive);
    assertThat(NodeClassData.useOptions(jar, JDK17))
        .containsExactly("-XX:SharedArchiveFile=" + archive);
    assertThat(NodeClassData.useOptions(jar, JDK25)).as("another runtime's archive").isEmpty();
  }

  @Test
  void aRuntimeWithAnAotCacheUsesItsCache() throws Exception {
    Path jar = Files.createFile(dir.resolve("quarkus-run.jar"));
    Path cache = NodeClassData.archiveFor(jar, JDK25);
    assertThat(cache.getFileName()).hasToString("esc-node-25.0.3+9-LTS.aot");

    Files.createFile(cache);
    assertThat(NodeClassData.useOptions(jar, JDK25)).containsExactly("-XX:AOTCache=" + cache);
  }
}
