package io.eventstreamcore.operator.reconcile;

import io.eventstreamcore.operator.crd.EventCluster;
import io.eventstreamcore.operator.crd.EventClusterStatus;
import io.eventstreamcore.operator.engine.ClusterView;
import io.eventstreamcore.operator.engine.EngineAdmin;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What the operator changes in a running cluster, at most one step per reconciliation and in this
 * order of urgency: a member that lost its data, a member stalled past its grace period, scaling,
 * then a rolling update. Each step waits for a settled cluster, so none starts before the previous
 * one has caught up; a step that is needed but not yet safe holds back the ones after it.
 */
final class RaftSafeActions {
  private final List<RaftSafeAction> inOrder;

  RaftSafeActions(KubernetesClient client, EngineAdmin admin, EventRecorder events) {
    ActionSupport support = new ActionSupport(client, admin, events);
    this.inOrder =
        List.of(
            new ReplaceUnreadableVolume(support),
            new ReplaceStalledMember(support),
            new ScaleMembers(support),
            new RollingRestart(support));
  }

  /**
   * Takes at most one action; records it in {@code status.lastRecoveryAction} and as an Event.
   *
   * @return true when it acted (the caller then looks again soon)
   */
  boolean act(
      EventCluster ec,
      StatefulSet sts,
      List<Pod> pods,
      Optional<ClusterView> leaderView,
      EventClusterStatus status,
      Instant now) {
    if (sts == null || leaderView.isEmpty()) {
      return false;
    }
    ClusterState state = new ClusterState(ec, sts, pods, leaderView.get().leader(), status, now);
    for (RaftSafeAction action : inOrder) {
      RaftSafeAction.Outcome outcome = action.consider(state);
      if (outcome != RaftSafeAction.Outcome.NOT_NEEDED) {
        return outcome == RaftSafeAction.Outcome.ACTED;
      }
    }
    return false;
  }
}
