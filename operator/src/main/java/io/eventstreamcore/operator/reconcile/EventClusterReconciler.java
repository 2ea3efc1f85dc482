package io.eventstreamcore.operator.reconcile;

import io.eventstreamcore.operator.crd.EventCluster;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.retry.GradualRetry;

/**
 * The JOSDK entry point. Besides spec changes it runs every few seconds (more often during a
 * restart), because the Raft state it reports and acts on changes without any Kubernetes event.
 *
 * <p>A failed reconciliation is retried without limit: JOSDK's default gives up after five attempts
 * and then waits for a change to the EventCluster, and nothing else would ever wake this reconciler
 * again (it watches no children), so a minute of API-server trouble would leave the cluster
 * unattended for good.
 */
@ControllerConfiguration(name = "eventcluster")
@GradualRetry(
    maxAttempts = -1,
    initialInterval = 500,
    intervalMultiplier = 1.5,
    maxInterval = 10_000)
public final class EventClusterReconciler implements Reconciler<EventCluster> {
  private final ClusterReconciliation reconciliation;

  public EventClusterReconciler(ClusterReconciliation reconciliation) {
    this.reconciliation = reconciliation;
  }

  @Override
  public UpdateControl<EventCluster> reconcile(EventCluster ec, Context<EventCluster> context) {
    // JOSDK patches the status with the difference to the resource it handed in: leave that as it
    // is.
    ClusterReconciliation.Reconciled r = reconciliation.reconcile(Serialization.clone(ec));
    return UpdateControl.patchStatus(r.cluster()).rescheduleAfter(r.nextLook());
  }
}
