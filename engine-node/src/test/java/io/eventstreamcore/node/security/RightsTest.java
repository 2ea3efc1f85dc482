package io.eventstreamcore.node.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class RightsTest {
  @Test
  void prefixesAllowTheirTopicsAndNothingElse() {
    Rights r = Rights.parse(List.of("produce:orders/", "consume:orders/eu"));

    assertThat(r.mayProduce("orders/us")).isTrue();
    assertThat(r.mayProduce("ordersX")).isFalse();
    assertThat(r.mayConsume("orders/eu/late")).isTrue();
    assertThat(r.mayConsume("orders/us")).isFalse();
    assertThat(r.mayConsumePrefix("orders/eu")).isTrue();
    assertThat(r.mayConsumePrefix("orders/")).as("wider than the right").isFalse();
    assertThat(r.admin()).isFalse();
    assertThat(r.producesAnywhere()).isFalse();
  }

  @Test
  void aStarIsEveryTopicButTheInternalOnes() {
    Rights r = Rights.parse(List.of("consume:*"));

    assertThat(r.mayConsume("anything")).isTrue();
    assertThat(r.mayConsume("_dlq")).isFalse();
    assertThat(r.mayConsumePrefix("")).as("an empty prefix reaches _dlq").isFalse();
    assertThat(Rights.parse(List.of("consume:_dlq")).mayConsume("_dlq")).isTrue();
  }

  @Test
  void adminHasEveryTopicAndMemberHasAdmin() {
    assertThat(Rights.parse(List.of("admin")).mayConsumePrefix("")).isTrue();
    assertThat(Rights.parse(List.of("admin")).member()).isFalse();
    assertThat(Rights.parse(List.of("member")).admin()).isTrue();
  }

  @Test
  void anUnknownRightIsAnError() {
    assertThatThrownBy(() -> Rights.parse(List.of("write:orders")))
        .hasMessageContaining("unknown right 'write:orders'");
    assertThatThrownBy(() -> Rights.parse(List.of("produce:")))
        .hasMessageContaining("unknown right");
  }
}
