package io.eventstreamcore.node.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class DiskSpaceTest {
  private static final long MIB = 1 << 20;

  private final AtomicLong free = new AtomicLong(100 * MIB);
  private final AtomicLong clock = new AtomicLong();
  private final DiskSpace space = new DiskSpace(free::get, 16 * MIB, clock::get);

  /** Lets the next question read the volume again. */
  private void later() {
    clock.addAndGet(60_000_000L);
  }

  @Test
  void refusesBelowTheReserveAndSaysHowMuchIsFree() {
    assertThat(space.refusal()).isEmpty();
    free.set(10 * MIB);
    later();
    assertThat(space.full()).isTrue();
    assertThat(space.refusal())
        .hasValueSatisfying(
            why ->
                assertThat(why)
                    .startsWith("storage full: 10 MiB free")
                    .contains("below the 16 MiB")
                    .contains("again above 20 MiB"));
  }

  @Test
  void takesEventsAgainOnlyAQuarterAboveTheReserve() {
    free.set(15 * MIB);
    later();
    assertThat(space.full()).isTrue();
    free.set(19 * MIB);
    later();
    assertThat(space.full()).as("between the reserve and the resume line").isTrue();
    free.set(20 * MIB);
    later();
    assertThat(space.full()).isFalse();
    free.set(17 * MIB);
    later();
    assertThat(space.full()).as("above the reserve after resuming").isFalse();
  }

  @Test
  void readsTheVolumeAtMostEveryFiftyMilliseconds() {
    assertThat(space.full()).isFalse();
    free.set(MIB);
    clock.addAndGet(10_000_000L);
    assertThat(space.full()).as("a reading 10 ms old still counts").isFalse();
    clock.addAndGet(45_000_000L);
    assertThat(space.full()).isTrue();
    assertThat(space.usableBytes()).isEqualTo(MIB);
  }
}
