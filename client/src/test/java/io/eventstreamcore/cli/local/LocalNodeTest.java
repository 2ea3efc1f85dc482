package io.eventstreamcore.cli.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class LocalNodeTest {
  @Test
  void extraJvmOptionsComeAfterTheDefaultsSoTheyWin() {
    List<String> options = LocalNode.jvmOptions("  -Xmx2g   -XX:+AlwaysPreTouch ");

    assertThat(options).endsWith("-Xmx2g", "-XX:+AlwaysPreTouch");
    assertThat(options.indexOf("-Xmx256m")).isLessThan(options.indexOf("-Xmx2g"));
  }

  @Test
  void withoutExtraOptionsOnlyTheDefaults() {
    assertThat(LocalNode.jvmOptions(null))
        .isEqualTo(LocalNode.jvmOptions(" "))
        .contains("-Xmx256m", "-XX:+ExitOnOutOfMemoryError")
        .containsSubsequence("-XX:+UnlockExperimentalVMOptions", "-XX:G1NewSizePercent=25");
  }
}
