package io.eventstreamcore.operator.reconcile;

import io.fabric8.kubernetes.api.model.Pod;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * A rolling update to a new pod template: on a settled cluster (every pod ready, every member
 * healthy), one follower at a time, highest ordinal first; the leader last, after its leadership
 * moved to a caught-up follower. Never when a restart would leave fewer healthy voters than a
 * quorum.
 */
final class RollingRestart implements RaftSafeAction {
  private final ActionSupport support;

  RollingRestart(ActionSupport support) {
    this.support = support;
  }

  @Override
  public Outcome consider(ClusterState s) {
    int replicas = s.sts().getSpec().getReplicas();
    String revision = s.sts().getStatus() == null ? null : s.sts().getStatus().getUpdateRevision();
    if (revision == null) {
      return Outcome.NOT_NEEDED;
    }
    List<Pod> outdated =
        s.pods().stream()
            .filter(p -> !revision.equals(Pods.revision(p)))
            .sorted(Comparator.comparing((Pod p) -> p.getMetadata().getName()).reversed())
            .toList();
    boolean settled =
        s.pods().size() == replicas
            && s.pods().stream().allMatch(Pods::ready)
            && s.status().members.size() == replicas
            && s.status().members.stream().allMatch(m -> m.healthy);
    if (outdated.isEmpty() || !settled || s.healthyVoters() - 1 < s.quorum()) {
      return Outcome.NOT_NEEDED;
    }
    Optional<Pod> follower =
        outdated.stream().filter(p -> !p.getMetadata().getName().equals(s.leader())).findFirst();
    if (follower.isPresent()) {
      String pod = follower.get().getMetadata().getName();
      support.deletePod(s.ec(), pod);
      support.record(
          s,
          "RollingRestart",
          "restarted follower "
              + pod
              + " for revision "
              + revision
              + " while "
              + s.leader()
              + " leads",
          false);
      return Outcome.ACTED;
    }
    // Only the leader is left: move leadership to a caught-up member on the new revision first.
    Optional<String> successor =
        s.status().members.stream()
            .filter(m -> m.healthy && ClusterState.isVoter(m) && !m.pod.equals(s.leader()))
            .map(m -> m.pod)
            .findFirst();
    if (successor.isEmpty()) {
      return Outcome.NOT_NEEDED;
    }
    support.moveLeadership(s, successor.get(), "restarting");
    return Outcome.ACTED;
  }
}
