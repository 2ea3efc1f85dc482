package io.eventstreamcore.operator.reconcile;

import io.eventstreamcore.operator.children.Names;
import io.eventstreamcore.operator.crd.EventCluster;
import io.eventstreamcore.operator.engine.EngineAdmin;
import io.fabric8.kubernetes.client.KubernetesClient;

/** What the actions share: the API server, the engines' admin API, and recording what was done. */
final class ActionSupport {
  final KubernetesClient client;
  final EngineAdmin admin;
  private final EventRecorder events;

  ActionSupport(KubernetesClient client, EngineAdmin admin, EventRecorder events) {
    this.client = client;
    this.admin = admin;
    this.events = events;
  }

  void deletePod(EventCluster ec, String pod) {
    client.pods().inNamespace(ec.getMetadata().getNamespace()).withName(pod).delete();
  }

  /** Puts the action in {@code status.lastRecoveryAction} and in an Event. */
  void record(ClusterState s, String reason, String action, boolean warning) {
    s.status().lastRecoveryAction = s.now() + " " + action;
    if (warning) {
      events.warning(s.ec(), reason, action);
    } else {
      events.normal(s.ec(), reason, action);
    }
  }

  /** Asks the leader to hand over to {@code successor} before it is {@code restarting} or so. */
  void moveLeadership(ClusterState s, String successor, String before) {
    boolean moved =
        admin.transferLeadership(
            Names.podHttpUrl(s.ec(), ClusterState.ordinal(s.leader())), successor);
    record(
        s,
        "LeadershipTransfer",
        (moved ? "moved" : "could not move")
            + " leadership from "
            + s.leader()
            + " to "
            + successor
            + " before "
            + before
            + " "
            + s.leader(),
        !moved);
  }
}
