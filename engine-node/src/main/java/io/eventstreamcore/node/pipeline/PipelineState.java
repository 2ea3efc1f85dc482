package io.eventstreamcore.node.pipeline;

import io.eventstreamcore.protocol.Priority;

/**
 * How loaded the node is, and so which priority classes it still admits. Lower classes are shed
 * first: DEGRADED refuses BATCH, CRITICAL also LOW and MEDIUM, EMERGENCY everything but CRITICAL.
 */
public enum PipelineState {
  HEALTHY(Priority.BATCH),
  ELEVATED(Priority.BATCH),
  DEGRADED(Priority.LOW),
  CRITICAL(Priority.HIGH),
  EMERGENCY(Priority.CRITICAL);

  private final Priority lowestAdmitted;

  PipelineState(Priority lowestAdmitted) {
    this.lowestAdmitted = lowestAdmitted;
  }

  public boolean admits(Priority p) {
    return p.ordinal() <= lowestAdmitted.ordinal();
  }

  /** True from DEGRADED on: some class is refused. */
  public boolean sheds() {
    return lowestAdmitted != Priority.BATCH;
  }

  PipelineState down() {
    return values()[Math.max(ordinal() - 1, 0)];
  }
}
