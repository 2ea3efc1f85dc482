package io.eventstreamcore.cli.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeRuntimeTest {
  @TempDir Path jvms;

  @Test
  void theNodesRunOnTheNewestJdkWithAnAotCacheInstalledBesideTheRunningOne() throws Exception {
    Path running = jdk("java-17-openjdk-amd64", "17.0.15+6-Debian-1deb12u1");
    jdk("temurin-25-jdk-amd64", "25.0.3+9-LTS");
    jdk("temurin-26-jdk-amd64", "26.0.1+2");
    jdk("jdk-21", "21.0.5+11");
    Files.createSymbolicLink(jvms.resolve("default-java"), jvms.resolve("temurin-25-jdk-amd64"));

    NodeRuntime chosen = NodeRuntime.select(null, running);

    assertThat(chosen.home()).isEqualTo(jvms.resolve("temurin-26-jdk-amd64"));
    assertThat(chosen.java()).isEqualTo(jvms.resolve("temurin-26-jdk-amd64/bin/java"));
    assertThat(chosen.keepsAotCache()).isTrue();
  }

  @Test
  void withoutOneTheNodesRunOnTheRunningJdk() throws Exception {
    Path running = jdk("java-17-openjdk-amd64", "17.0.15+6-Debian-1deb12u1");
    jdk("jdk-21", "21.0.5+11");
    Files.createDirectories(jvms.resolve("not-a-jdk"));

    NodeRuntime chosen = NodeRuntime.select("", running);

    assertThat(chosen.home()).isEqualTo(running);
    assertThat(chosen.version().feature()).isEqualTo(17);
    assertThat(chosen.keepsAotCache()).isFalse();
  }

  @Test
  void anExplicitHomeWinsAndMustBeAJdk() throws Exception {
    Path running = jdk("java-17-openjdk-amd64", "17.0.15+6-Debian-1deb12u1");
    jdk("temurin-25-jdk-amd64", "25.0.3+9-LTS");

    assertThat(NodeRuntime.select(running.toString(), running).home()).isEqualTo(running);
    Path empty = Files.createDirectories(jvms.resolve("empty"));
    assertThatThrownBy(() -> NodeRuntime.select(empty.toString(), running))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(NodeRuntime.HOME_ENV)
        .hasMessageContaining("is not a JDK");
  }

  /** A directory that looks like a JDK: an executable bin/java and a release file. */
  private Path jdk(String name, String runtimeVersion) throws Exception {
    Path home = Files.createDirectories(jvms.resolve(name).resolve("bin")).getParent();
    Files.createFile(
        home.resolve("bin/java"),
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
    Files.writeString(
        home.resolve("release"),
        "IMPLEMENTOR=\"test\"\nJAVA_RUNTIME_VERSION=\"" + runtimeVersion + "\"\n");
    return home;
  }
}
