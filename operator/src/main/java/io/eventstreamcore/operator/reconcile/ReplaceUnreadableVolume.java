package io.eventstreamcore.operator.reconcile;

import io.eventstreamcore.operator.children.EngineStatefulSet;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.Optional;

/**
 * A member whose engine reports unreadable storage rejoins with an empty volume: first it leaves
 * the Raft group (so that, empty, it never votes as the member it was), then its claim and pod are
 * deleted; the StatefulSet recreates both, and {@link ScaleMembers} adds the new member as a
 * learner that catches up by snapshot and is promoted. Only while every other member is healthy.
 */
final class ReplaceUnreadableVolume implements RaftSafeAction {
  private final ActionSupport support;

  ReplaceUnreadableVolume(ActionSupport support) {
    this.support = support;
  }

  @Override
  public Outcome consider(ClusterState s) {
    Optional<Pod> lostData =
        s.pods().stream().filter(p -> Pods.storageUnreadable(p).isPresent()).findFirst();
    if (lostData.isEmpty()) {
      return Outcome.NOT_NEEDED;
    }
    Pod pod = lostData.get();
    String name = pod.getMetadata().getName();
    if (!s.othersHealthy(name) || name.equals(s.leader())) {
      return Outcome.HELD;
    }
    String reason = Pods.storageUnreadable(pod).orElseThrow();
    if (s.status().members.stream().anyMatch(m -> m.pod.equals(name))) {
      boolean removed = support.admin.remove(s.leaderUrl(), name);
      support.record(
          s,
          "MemberRemoved",
          (removed ? "removed " : "could not remove ") + name + " from the group: " + reason,
          true);
      return Outcome.ACTED;
    }
    String claim = EngineStatefulSet.DATA_VOLUME + "-" + name;
    support
        .client
        .persistentVolumeClaims()
        .inNamespace(s.ec().getMetadata().getNamespace())
        .withName(claim)
        .delete();
    support.deletePod(s.ec(), name);
    support.record(
        s,
        "VolumeReplaced",
        "replaced pod " + name + " and its volume " + claim + ": " + reason,
        true);
    return Outcome.ACTED;
  }
}
