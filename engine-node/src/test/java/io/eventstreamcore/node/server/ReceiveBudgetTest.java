package io.eventstreamcore.node.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReceiveBudgetTest {
  private final List<String> granted = new ArrayList<>();
  private final ReceiveBudget budget = new ReceiveBudget(100);

  private Runnable grant(String name) {
    return () -> granted.add(name);
  }

  @Test
  void reservesWhatFitsAndQueuesTheRestInArrivalOrder() {
    assertThat(budget.reserve(60, grant("a"))).isTrue();
    assertThat(budget.reserve(50, grant("b"))).isFalse();
    // Fits on its own, but waits behind b: a large frame is not passed over by small ones.
    assertThat(budget.reserve(10, grant("c"))).isFalse();
    assertThat(budget.reserved()).isEqualTo(60);

    budget.release(60);
    assertThat(granted).containsExactly("b", "c");
    assertThat(budget.reserved()).isEqualTo(60);
  }

  @Test
  void aCancelledWaiterIsNeverGrantedAndLetsThoseBehindItIn() {
    budget.reserve(90, grant("a"));
    Runnable b = grant("b");
    budget.reserve(50, b);
    budget.reserve(10, grant("c"));

    budget.cancel(b);
    assertThat(granted).containsExactly("c");
    budget.release(90);
    assertThat(granted).containsExactly("c");
    assertThat(budget.reserved()).isEqualTo(10);
  }

  @Test
  void releasingNothingGrantsNothing() {
    budget.reserve(100, grant("a"));
    budget.reserve(1, grant("b"));
    budget.release(0);
    assertThat(granted).isEmpty();
  }
}
