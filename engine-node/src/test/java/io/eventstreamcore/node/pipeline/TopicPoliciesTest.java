package io.eventstreamcore.node.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eventstreamcore.node.pipeline.TopicPolicies.OnOverload;
import io.eventstreamcore.protocol.Priority;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TopicPoliciesTest {
  private static final TopicPolicies TABLE =
      TopicPolicies.parse(
          """
          # payments are always urgent
          payments = CRITICAL
          metrics.* = batch dead-letter
          metrics.slo.* = HIGH
          metrics.slo.raw = LOW
          """);

  @Test
  void anExactNameWinsOverAPrefixAndALongerPrefixOverAShorterOne() {
    assertThat(TABLE.priorityOf("metrics.slo.raw", Priority.CRITICAL)).isEqualTo(Priority.LOW);
    assertThat(TABLE.priorityOf("metrics.slo.p99", Priority.BATCH)).isEqualTo(Priority.HIGH);
    assertThat(TABLE.priorityOf("metrics.cpu", Priority.CRITICAL)).isEqualTo(Priority.BATCH);
    assertThat(TABLE.onOverload("metrics.cpu")).isEqualTo(OnOverload.DEAD_LETTER);
    assertThat(TABLE.onOverload("metrics.slo.p99")).isEqualTo(OnOverload.REFUSE);
  }

  @Test
  void aListedTopicOverridesTheEventsPriorityAndAnUnlistedOneKeepsIt() {
    assertThat(TABLE.priorityOf("payments", Priority.BATCH)).isEqualTo(Priority.CRITICAL);
    assertThat(TABLE.priorityOf("orders", Priority.LOW)).isEqualTo(Priority.LOW);
    assertThat(TABLE.onOverload("orders")).isEqualTo(OnOverload.REFUSE);
  }

  @Test
  void aBadLineIsNamed() {
    assertThatThrownBy(() -> TopicPolicies.parse("a = HIGH\nb = URGENT"))
        .hasMessageContaining("line 2")
        .hasMessageContaining("URGENT");
    assertThatThrownBy(() -> TopicPolicies.parse("a = HIGH drop"))
        .hasMessageContaining("dead-letter");
    assertThatThrownBy(() -> TopicPolicies.parse("just-a-topic")).hasMessageContaining("line 1");
  }

  @Test
  void theFileIsReloadedWhenItChangesAndABadVersionKeepsTheLastGoodTable(@TempDir Path dir)
      throws Exception {
    Path file = dir.resolve("policies");
    TopicPolicyFile policies = new TopicPolicyFile(file);
    assertThat(policies.current().priorityOf("x", Priority.LOW)).isEqualTo(Priority.LOW);

    write(file, "x = HIGH", 1);
    policies.run();
    assertThat(policies.current().priorityOf("x", Priority.LOW)).isEqualTo(Priority.HIGH);

    write(file, "x = SOON", 2);
    policies.run();
    assertThat(policies.current().priorityOf("x", Priority.LOW)).isEqualTo(Priority.HIGH);

    write(file, "x = BATCH", 3);
    policies.run();
    assertThat(policies.current().priorityOf("x", Priority.LOW)).isEqualTo(Priority.BATCH);

    Files.delete(file);
    policies.run();
    assertThat(policies.current().priorityOf("x", Priority.LOW)).isEqualTo(Priority.LOW);
  }

  /** Distinct modification times, as the file system may not tick between quick writes. */
  private static void write(Path file, String text, int version) throws Exception {
    Files.writeString(file, text);
    Files.setLastModifiedTime(file, FileTime.fromMillis(1_000_000L * version));
  }
}
