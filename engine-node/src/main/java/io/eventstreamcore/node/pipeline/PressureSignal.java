package io.eventstreamcore.node.pipeline;

import java.util.List;
import java.util.function.DoubleSupplier;

/**
 * One measure of load with its thresholds: reaching {@code up[i]} asks for at least state i + 1
 * (ELEVATED, DEGRADED, CRITICAL, EMERGENCY); a state is left only once the measure is below that
 * state's {@code down} threshold, which lies below its {@code up} one so the node does not flap.
 */
public record PressureSignal(
    String name, DoubleSupplier value, List<Double> up, List<Double> down) {
  private static final int LEVELS = PipelineState.values().length - 1;

  public PressureSignal {
    if (up.size() != LEVELS || down.size() != LEVELS) {
      throw new IllegalArgumentException(
          name + ": need " + LEVELS + " up and " + LEVELS + " down thresholds");
    }
    for (int i = 0; i < LEVELS; i++) {
      if (down.get(i) >= up.get(i) || (i > 0 && up.get(i) < up.get(i - 1))) {
        throw new IllegalArgumentException(
            name
                + ": thresholds must rise, and each down must lie below its up: "
                + up
                + " "
                + down);
      }
    }
    up = List.copyOf(up);
    down = List.copyOf(down);
  }

  /** The state this measure asks for when rising. */
  PipelineState wanted(double v) {
    int level = 0;
    while (level < LEVELS && v >= up.get(level)) {
      level++;
    }
    return PipelineState.values()[level];
  }

  /** True while this measure keeps the node in {@code state} (not yet below its down threshold). */
  boolean holds(PipelineState state, double v) {
    return state.ordinal() > 0 && v >= down.get(state.ordinal() - 1);
  }
}
