package io.eventstreamcore.node.processing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class AlertRuleTest {
  @Test
  void parsesEachKind() {
    assertThat(AlertRule.parse("hot:rate-above:orders:5000"))
        .isEqualTo(new AlertRule("hot", AlertRule.Kind.RATE_ABOVE, "orders", 5000));
    assertThat(AlertRule.parse(" quiet : rate-below : orders : 0.5 ").kind())
        .isEqualTo(AlertRule.Kind.RATE_BELOW);
    assertThat(AlertRule.parse("dlq:dlq-growth-above:*:10").watchedTopic()).isEqualTo("_dlq");
    assertThat(AlertRule.parse("behind:lag-above:orders:100").watchedTopic()).isEqualTo("orders");
  }

  @Test
  void saysWhatIsWrong() {
    assertThatThrownBy(() -> AlertRule.parse("hot:rate-above:orders"))
        .hasMessageContaining("name:kind:topic:threshold");
    assertThatThrownBy(() -> AlertRule.parse("hot:rate-sideways:orders:1"))
        .hasMessageContaining("kind must be");
    assertThatThrownBy(() -> AlertRule.parse("hot:rate-above:orders:lots"))
        .hasMessageContaining("not a number");
    assertThatThrownBy(() -> AlertRule.parse("hot:rate-above:or ders:1"))
        .hasMessageContaining("allowed are");
  }
}
