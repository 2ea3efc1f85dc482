package io.eventstreamcore.node.pipeline;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import org.jboss.logging.Logger;

/**
 * The control loop: each {@link #step} reads every signal and moves the pipeline state. Up at once,
 * as far as the worst signal asks; down one state at a time, only once every signal is below the
 * current state's down threshold and the state has lasted {@code minDwellMillis}.
 */
public final class PressureController {
  private static final Logger LOG = Logger.getLogger(PressureController.class);

  private final List<PressureSignal> signals;
  private final long minDwellMillis;
  private final LongSupplier clock;
  private volatile PipelineState state = PipelineState.HEALTHY;
  private long enteredAt;
  // Read by the dashboard: some signals reset when read, so it must not read them itself.
  private volatile double[] lastValues;

  public PressureController(List<PressureSignal> signals, long minDwellMillis, LongSupplier clock) {
    this.signals = List.copyOf(signals);
    this.minDwellMillis = minDwellMillis;
    this.clock = clock;
    this.enteredAt = clock.getAsLong();
  }

  public PipelineState state() {
    return state;
  }

  /** One signal as the last step saw it, with the thresholds that move the state. */
  public record Reading(String name, Double value, List<Double> up, List<Double> down) {}

  /** Every signal's value at the last step (null before the first one). */
  public List<Reading> readings() {
    double[] values = lastValues;
    List<Reading> out = new ArrayList<>(signals.size());
    for (int i = 0; i < signals.size(); i++) {
      PressureSignal s = signals.get(i);
      out.add(new Reading(s.name(), values == null ? null : values[i], s.up(), s.down()));
    }
    return out;
  }

  public synchronized void step() {
    long now = clock.getAsLong();
    double[] values = new double[signals.size()];
    PipelineState wanted = PipelineState.HEALTHY;
    String cause = "";
    for (int i = 0; i < values.length; i++) {
      PressureSignal s = signals.get(i);
      values[i] = s.value().getAsDouble();
      PipelineState w = s.wanted(values[i]);
      if (w.ordinal() > wanted.ordinal()) {
        wanted = w;
        cause = s.name() + " " + format(values[i]);
      }
    }
    lastValues = values;
    if (wanted.ordinal() > state.ordinal()) {
      move(wanted, now, cause);
      return;
    }
    if (state == PipelineState.HEALTHY || now - enteredAt < minDwellMillis) {
      return;
    }
    for (int i = 0; i < values.length; i++) {
      if (signals.get(i).holds(state, values[i])) {
        return;
      }
    }
    move(state.down(), now, "every signal below its down threshold");
  }

  private void move(PipelineState to, long now, String why) {
    LOG.infof("pipeline %s -> %s (%s)", state, to, why);
    state = to;
    enteredAt = now;
  }

  private static String format(double v) {
    return String.format(java.util.Locale.ROOT, "%.3g", v);
  }
}
