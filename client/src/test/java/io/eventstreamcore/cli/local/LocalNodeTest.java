package io.eventstreamcore.cli.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class LocalNodeTest {
  private static final NodeRuntime JDK17 =
      new NodeRuntime(Path.of("/jdk17"), Runtime.Version.parse("17.0.15+6"));
  private static final NodeRuntime JDK25 =
      new NodeRuntime(Path.of("/jdk25"), Runtime.Version.parse("25.0.3+9-LTS"));

  @Test
  void extraJvmOptionsComeAfterTheDefaultsSoTheyWin() {
    List<String> options = LocalNode.jvmOptions(JDK17, "  -Xmx2g   -XX:+AlwaysPreTouch ");

    assertThat(options).endsWith("-Xmx2g", "-XX:+AlwaysPreTouch");
    assertThat(options.indexOf("-Xmx256m")).isLessThan(options.indexOf("-Xmx2g"));
  }

  @Test
  void withoutExtraOptionsOnlyTheDefaults() {
    assertThat(LocalNode.jvmOptions(JDK17, null))
        .isEqualTo(LocalNode.jvmOptions(JDK17, " "))
        .contains("-Xmx256m", "-XX:+ExitOnOutOfMemoryError")
        .containsSubsequence("-XX:+UnlockExperimentalVMOptions", "-XX:G1NewSizePercent=25");
  }

  @Test
  void onlyARuntimeThatWarnsOfNativeAccessIsToldToAllowIt() {
    // JDK 17 refuses an option it does not know, so these must not reach it.
    assertThat(LocalNode.jvmOptions(JDK17, null))
        .doesNotContain("--sun-misc-unsafe-memory-access=allow");
    assertThat(LocalNode.jvmOptions(JDK25, null))
        .contains("--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow");
  }
}
