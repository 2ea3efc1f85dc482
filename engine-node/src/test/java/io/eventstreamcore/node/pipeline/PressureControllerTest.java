package io.eventstreamcore.node.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eventstreamcore.protocol.Priority;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class PressureControllerTest {
  private static final List<Double> UP = List.of(0.25, 0.5, 0.75, 0.9);
  private static final List<Double> DOWN = List.of(0.1, 0.3, 0.5, 0.7);

  private double load;
  private double other;
  private final AtomicLong now = new AtomicLong(1_000);
  private final PressureController controller =
      new PressureController(
          List.of(
              new PressureSignal("load", () -> load, UP, DOWN),
              new PressureSignal("other", () -> other, UP, DOWN)),
          2_000,
          now::get);

  private PipelineState stepAt(long millis) {
    now.set(millis);
    controller.step();
    return controller.state();
  }

  @Test
  void goesUpAtOnceAsFarAsTheWorstSignalAsks() {
    load = 0.8;
    assertThat(stepAt(1_000)).isEqualTo(PipelineState.CRITICAL);
    other = 0.95;
    assertThat(stepAt(1_100)).isEqualTo(PipelineState.EMERGENCY);
  }

  @Test
  void comesDownOneStateAtATimeBelowTheDownThresholdAfterTheDwell() {
    load = 0.6;
    assertThat(stepAt(1_000)).isEqualTo(PipelineState.DEGRADED);
    load = 0.4;
    assertThat(stepAt(5_000)).as("below up, above down: stays").isEqualTo(PipelineState.DEGRADED);
    load = 0.2;
    assertThat(stepAt(5_100)).isEqualTo(PipelineState.ELEVATED);
    assertThat(stepAt(6_000)).as("dwell not over").isEqualTo(PipelineState.ELEVATED);
    assertThat(stepAt(7_100)).as("0.2 is above ELEVATED's down").isEqualTo(PipelineState.ELEVATED);
    load = 0.05;
    assertThat(stepAt(7_200)).isEqualTo(PipelineState.HEALTHY);
  }

  @Test
  void anySignalAboveItsDownThresholdHoldsTheState() {
    load = 0.6;
    stepAt(1_000);
    load = 0;
    other = 0.35;
    assertThat(stepAt(10_000)).isEqualTo(PipelineState.DEGRADED);
    other = 0;
    assertThat(stepAt(10_100)).isEqualTo(PipelineState.ELEVATED);
  }

  @Test
  void eachStateShedsTheLowerClasses() {
    assertThat(PipelineState.ELEVATED.admits(Priority.BATCH)).isTrue();
    assertThat(PipelineState.DEGRADED.admits(Priority.BATCH)).isFalse();
    assertThat(PipelineState.DEGRADED.admits(Priority.LOW)).isTrue();
    assertThat(PipelineState.CRITICAL.admits(Priority.MEDIUM)).isFalse();
    assertThat(PipelineState.CRITICAL.admits(Priority.HIGH)).isTrue();
    assertThat(PipelineState.EMERGENCY.admits(Priority.HIGH)).isFalse();
    assertThat(PipelineState.EMERGENCY.admits(Priority.CRITICAL)).isTrue();
  }

  @Test
  void thresholdsMustRiseWithDownBelowUp() {
    assertThatThrownBy(() -> new PressureSignal("x", () -> 0, UP, UP))
        .hasMessageContaining("down must lie below its up");
    assertThatThrownBy(() -> new PressureSignal("x", () -> 0, List.of(1.0), List.of(0.5)))
        .hasMessageContaining("need 4 up and 4 down");
  }
}
