package io.eventstreamcore.operator.reconcile;

import io.eventstreamcore.operator.crd.EventCluster;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import java.time.Duration;

/**
 * The JOSDK entry point. Besides spec changes it runs every few seconds, because the Raft state it
 * reports changes without any Kubernetes event.
 */
@ControllerConfiguration(name = "eventcluster")
public final class EventClusterReconciler implements Reconciler<EventCluster> {
  static final Duration STATUS_POLL = Duration.ofSeconds(10);

  private final ClusterReconciliation reconciliation;

  public EventClusterReconciler(ClusterReconciliation reconciliation) {
    this.reconciliation = reconciliation;
  }

  @Override
  public UpdateControl<EventCluster> reconcile(EventCluster ec, Context<EventCluster> context) {
    return UpdateControl.patchStatus(reconciliation.reconcile(ec)).rescheduleAfter(STATUS_POLL);
  }
}
