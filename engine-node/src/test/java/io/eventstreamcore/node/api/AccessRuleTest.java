package io.eventstreamcore.node.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventstreamcore.node.api.AccessRule.Kind;
import io.eventstreamcore.node.security.Rights;
import java.util.List;
import org.junit.jupiter.api.Test;

class AccessRuleTest {
  @Test
  void eventsNeedTheRightForTheirDecodedTopic() {
    assertThat(AccessRule.of("POST", "/api/v1/topics/orders%2Feu/events"))
        .isEqualTo(new AccessRule(Kind.PRODUCE, "orders/eu"));
    assertThat(AccessRule.of("GET", "/api/v1/topics/orders%2Feu/events"))
        .isEqualTo(new AccessRule(Kind.CONSUME, "orders/eu"));
    assertThat(AccessRule.of("DELETE", "/api/v1/topics/orders/events").kind())
        .isEqualTo(Kind.ADMIN);
  }

  @Test
  void aTopicTheRuleCannotReadNeedsAdmin() {
    // A matrix parameter or an encoded character outside topic names: not guessed at.
    assertThat(AccessRule.of("POST", "/api/v1/topics/orders;x=1/events").kind())
        .isEqualTo(Kind.ADMIN);
    assertThat(AccessRule.of("POST", "/api/v1/topics/a%20b/events").kind()).isEqualTo(Kind.ADMIN);
    assertThat(AccessRule.of("POST", "/api/v1/topics/%zz/events").kind()).isEqualTo(Kind.ADMIN);
  }

  @Test
  void onlyProbesAndMetricsAreOpenAndAnythingUnnamedNeedsAdmin() {
    assertThat(AccessRule.of("GET", "/q/health/ready").kind()).isEqualTo(Kind.OPEN);
    assertThat(AccessRule.of("GET", "/q/metrics").kind()).isEqualTo(Kind.OPEN);
    assertThat(AccessRule.of("GET", "/api/v1/cluster").kind()).isEqualTo(Kind.AUTHENTICATED);
    assertThat(AccessRule.of("POST", "/api/v1/cluster/leadership").kind()).isEqualTo(Kind.ADMIN);
    assertThat(AccessRule.of("GET", "/api/v1/dlq").kind()).isEqualTo(Kind.ADMIN);
    assertThat(AccessRule.of("GET", "/ui/").kind()).isEqualTo(Kind.ADMIN);
    assertThat(AccessRule.of("GET", "/api/v1/something-new").kind()).isEqualTo(Kind.ADMIN);
    assertThat(AccessRule.of("GET", "/internal/v1/catch-up/records").kind()).isEqualTo(Kind.MEMBER);
  }

  @Test
  void rightsDecide() {
    Rights app = Rights.parse(List.of("produce:orders/"));
    Rights admin = Rights.parse(List.of("admin"));
    assertThat(AccessRule.of("POST", "/api/v1/topics/orders%2Fx/events").allows(app)).isTrue();
    assertThat(AccessRule.of("GET", "/api/v1/topics/orders%2Fx/events").allows(app)).isFalse();
    assertThat(AccessRule.of("GET", "/internal/v1/catch-up/snapshot").allows(admin)).isFalse();
  }
}
