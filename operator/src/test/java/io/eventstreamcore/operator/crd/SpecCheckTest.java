package io.eventstreamcore.operator.crd;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SpecCheckTest {
  @Test
  void theDefaultsAreValid() {
    assertThat(SpecCheck.problems(new EventClusterSpec())).isEmpty();
  }

  @Test
  void namesEveryBadField() {
    EventClusterSpec s = new EventClusterSpec();
    s.replicas = 4;
    s.raft.electionTimeoutMin = "fast";
    s.storage.size = "lots";
    s.topicPriorities.put("orders", "URGENT");
    s.disruptionBudget.maxUnavailable = 3;
    assertThat(SpecCheck.problems(s))
        .hasSize(5)
        .anySatisfy(p -> assertThat(p).contains("replicas must be odd"))
        .anySatisfy(p -> assertThat(p).contains("raft.electionTimeoutMin 'fast'"))
        .anySatisfy(p -> assertThat(p).contains("storage.size 'lots'"))
        .anySatisfy(p -> assertThat(p).contains("topicPriorities.orders 'URGENT'"))
        .anySatisfy(p -> assertThat(p).contains("maxUnavailable"));
  }

  @Test
  void durationsAreReadInTheirUnit() {
    assertThat(Durations.parse("150ms").toMillis()).isEqualTo(150);
    assertThat(Durations.parse("3m").toSeconds()).isEqualTo(180);
    assertThat(Durations.parse("2h").toMinutes()).isEqualTo(120);
  }
}
