package io.eventstreamcore.operator.reconcile;

import io.eventstreamcore.operator.children.Names;
import io.eventstreamcore.operator.crd.Durations;
import io.eventstreamcore.operator.crd.EventCluster;
import io.eventstreamcore.operator.crd.EventClusterStatus;
import io.eventstreamcore.operator.crd.EventClusterStatus.MemberStatus;
import io.eventstreamcore.operator.engine.ClusterView;
import io.eventstreamcore.operator.engine.EngineAdmin;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The restarts the operator makes itself, one pod at a time and only while the others keep a
 * quorum: a rolling update to a new pod template (followers first; the leader last, after its
 * leadership moved to a caught-up follower), and the replacement of a member that stayed unhealthy
 * past {@code spec.recovery.unhealthyAfter}. Each acts only on a settled cluster, so a restart is
 * never started before the previous one has caught up again.
 */
final class RaftAwareActions {
  private final KubernetesClient client;
  private final EngineAdmin admin;
  private final EventRecorder events;

  RaftAwareActions(KubernetesClient client, EngineAdmin admin, EventRecorder events) {
    this.client = client;
    this.admin = admin;
    this.events = events;
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
    int replicas = sts.getSpec().getReplicas();
    int quorum = replicas / 2 + 1;
    long healthy = status.members.stream().filter(m -> m.healthy && isVoter(m)).count();
    Optional<MemberStatus> failed = overdue(ec, status, now);
    if (failed.isPresent()) {
      // Replacing it must leave a quorum of healthy voters, and no other member may be down.
      boolean othersHealthy =
          status.members.stream().filter(m -> m != failed.get()).allMatch(m -> m.healthy);
      if (othersHealthy && healthy >= quorum) {
        String action =
            "replaced pod "
                + failed.get().pod
                + ": unhealthy since "
                + failed.get().unhealthySince
                + " (lag "
                + failed.get().lag
                + ")";
        deletePod(ec, failed.get().pod);
        // The new pod gets the full grace period to catch up before it could be judged again.
        failed.get().unhealthySince = now.toString();
        record(ec, status, "MemberReplaced", action, now, true);
        return true;
      }
      return false;
    }
    String revision = sts.getStatus() == null ? null : sts.getStatus().getUpdateRevision();
    if (revision == null) {
      return false;
    }
    List<Pod> outdated =
        pods.stream()
            .filter(p -> !revision.equals(Pods.revision(p)))
            .sorted(Comparator.comparing((Pod p) -> p.getMetadata().getName()).reversed())
            .toList();
    boolean settled =
        pods.size() == replicas && pods.stream().allMatch(Pods::ready) && healthy == replicas;
    if (outdated.isEmpty() || !settled || healthy - 1 < quorum) {
      return false;
    }
    String leader = leaderView.get().leader();
    Optional<Pod> follower =
        outdated.stream().filter(p -> !p.getMetadata().getName().equals(leader)).findFirst();
    if (follower.isPresent()) {
      String pod = follower.get().getMetadata().getName();
      deletePod(ec, pod);
      record(
          ec,
          status,
          "RollingRestart",
          "restarted follower " + pod + " for revision " + revision,
          now,
          false);
      return true;
    }
    // Only the leader is left: move leadership to a caught-up member on the new revision first.
    Optional<String> successor =
        status.members.stream()
            .filter(m -> m.healthy && isVoter(m) && !m.pod.equals(leader))
            .map(m -> m.pod)
            .findFirst();
    if (successor.isEmpty()) {
      return false;
    }
    int leaderOrdinal = Integer.parseInt(leader.substring(leader.lastIndexOf('-') + 1));
    boolean moved = admin.transferLeadership(Names.podHttpUrl(ec, leaderOrdinal), successor.get());
    record(
        ec,
        status,
        "LeadershipTransfer",
        (moved ? "moved" : "could not move")
            + " leadership from "
            + leader
            + " to "
            + successor.get()
            + " before restarting "
            + leader,
        now,
        !moved);
    return true;
  }

  private static boolean isVoter(MemberStatus m) {
    return !"LEARNER".equals(m.role);
  }

  private static Optional<MemberStatus> overdue(
      EventCluster ec, EventClusterStatus status, Instant now) {
    Duration after = Durations.parse(ec.getSpec().recovery.unhealthyAfter);
    return status.members.stream()
        .filter(m -> m.unhealthySince != null)
        .filter(m -> Instant.parse(m.unhealthySince).plus(after).isBefore(now))
        .findFirst();
  }

  private void deletePod(EventCluster ec, String pod) {
    client.pods().inNamespace(ec.getMetadata().getNamespace()).withName(pod).delete();
  }

  private void record(
      EventCluster ec,
      EventClusterStatus status,
      String reason,
      String action,
      Instant now,
      boolean warning) {
    status.lastRecoveryAction = now + " " + action;
    if (warning) {
      events.warning(ec, reason, action);
    } else {
      events.normal(ec, reason, action);
    }
  }
}
