package io.eventstreamcore.node.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventstreamcore.protocol.Priority;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SignalsTest {
  private static final List<Double> UP = List.of(0.25, 0.5, 0.75, 0.9);
  private static final List<Double> DOWN = List.of(0.1, 0.3, 0.5, 0.7);
  private static final PressureSignal FILL = new PressureSignal("queue fill", () -> 0, UP, DOWN);

  private static PipelineState wantedWhenFull(Priority full) {
    Map<Priority, Double> fills = new EnumMap<>(Priority.class);
    for (Priority p : Priority.values()) {
      fills.put(p, p == full ? 1.0 : 0.0);
    }
    return FILL.wanted(Signals.queueFill(fills::get, UP));
  }

  @Test
  void aFullQueueShedsItsOwnClassButNeverAClassAboveItNorHighForItsOwnQueue() {
    assertThat(wantedWhenFull(Priority.CRITICAL)).isEqualTo(PipelineState.EMERGENCY);
    assertThat(wantedWhenFull(Priority.HIGH)).isEqualTo(PipelineState.CRITICAL);
    assertThat(wantedWhenFull(Priority.MEDIUM)).isEqualTo(PipelineState.CRITICAL);
    assertThat(wantedWhenFull(Priority.LOW)).isEqualTo(PipelineState.DEGRADED);
    assertThat(wantedWhenFull(Priority.BATCH)).isEqualTo(PipelineState.DEGRADED);
    for (Priority p : Priority.values()) {
      for (Priority above : Priority.values()) {
        if (above.ordinal() < p.ordinal()) {
          assertThat(wantedWhenFull(p).admits(above))
              .as("a full %s queue still admits %s", p, above)
              .isTrue();
        }
      }
    }
    assertThat(wantedWhenFull(Priority.HIGH).admits(Priority.HIGH)).isTrue();
  }

  @Test
  void theFullestClassCountsBelowItsCap() {
    Map<Priority, Double> fills = new EnumMap<>(Priority.class);
    for (Priority p : Priority.values()) {
      fills.put(p, 0.0);
    }
    fills.put(Priority.BATCH, 1.0);
    fills.put(Priority.HIGH, 0.8);
    assertThat(Signals.queueFill(fills::get, UP)).isEqualTo(0.8);
  }
}
