package io.eventstreamcore.node.batching;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class InFlightLimitTest {
  @Test
  void aLoweredLimitHoldsNewBatchesUntilEnoughSettle() throws Exception {
    AtomicInteger limit = new AtomicInteger(3);
    InFlightLimit slots = new InFlightLimit(limit::get);
    for (int i = 0; i < 3; i++) {
      assertThat(slots.tryAcquire(10, TimeUnit.MILLISECONDS)).isTrue();
    }
    assertThat(slots.tryAcquire(10, TimeUnit.MILLISECONDS)).isFalse();

    limit.set(1);
    slots.release();
    assertThat(slots.tryAcquire(10, TimeUnit.MILLISECONDS)).as("2 in flight, limit 1").isFalse();
    slots.release();
    slots.release();
    assertThat(slots.tryAcquire(10, TimeUnit.MILLISECONDS)).isTrue();
    assertThat(slots.inFlight()).isEqualTo(1);

    limit.set(2);
    assertThat(slots.tryAcquire(10, TimeUnit.MILLISECONDS)).as("a raised limit").isTrue();
  }

  @Test
  void aWaitingBatchTakesTheSlotThatSettles() throws Exception {
    InFlightLimit slots = new InFlightLimit(() -> 1);
    slots.tryAcquire(10, TimeUnit.MILLISECONDS);
    Thread settle =
        new Thread(
            () -> {
              try {
                Thread.sleep(50);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              slots.release();
            });
    settle.start();
    assertThat(slots.tryAcquire(5, TimeUnit.SECONDS)).isTrue();
    settle.join();
  }
}
