package io.eventstreamcore.operator.reconcile;

import io.eventstreamcore.operator.crd.EventCluster;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;

/**
 * The JOSDK entry point. Besides spec changes it runs every few seconds (more often during a
 * restart), because the Raft state it reports and acts on changes without any Kubernetes event.
 */
@ControllerConfiguration(name = "eventcluster")
public final class EventClusterReconciler implements Reconciler<EventCluster> {
  private final ClusterReconciliation reconciliation;

  public EventClusterReconciler(ClusterReconciliation reconciliation) {
    this.reconciliation = reconciliation;
  }

  @Override
  public UpdateControl<EventCluster> reconcile(EventCluster ec, Context<EventCluster> context) {
    ClusterReconciliation.Reconciled r = reconciliation.reconcile(ec);
    return UpdateControl.patchStatus(r.cluster()).rescheduleAfter(r.nextLook());
  }
}
