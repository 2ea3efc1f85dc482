package io.eventstreamcore.operator.reconcile;

import io.eventstreamcore.operator.RaftPeers;
import io.eventstreamcore.operator.children.EngineStatefulSet;
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
 * What the operator changes in a running cluster, one step per reconciliation and only while the
 * others keep a healthy quorum: giving a member whose engine reports unreadable storage a fresh
 * volume; replacing a member that stayed unhealthy past {@code spec.recovery.unhealthyAfter};
 * scaling through Raft membership (new pods join as learners and are promoted once caught up;
 * surplus members are removed one at a time, leadership moved off first); and a rolling update to a
 * new pod template (followers first, the leader last after its leadership moved to a caught-up
 * follower). Each waits for a settled cluster, so no step starts before the previous one has caught
 * up.
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
    List<MemberStatus> voters = status.members.stream().filter(RaftAwareActions::isVoter).toList();
    int quorum = voters.size() / 2 + 1;
    long healthy = voters.stream().filter(m -> m.healthy).count();
    Optional<Pod> lostData =
        pods.stream().filter(p -> Pods.storageUnreadable(p).isPresent()).findFirst();
    if (lostData.isPresent()) {
      return replaceVolume(ec, lostData.get(), leaderView.get().leader(), status, now);
    }
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
    boolean votersHealthy = healthy == voters.size();
    if (votersHealthy && scale(ec, pods, leaderView.get().leader(), status, voters, now)) {
      return true;
    }
    return roll(ec, sts, pods, leaderView.get().leader(), status, quorum, healthy, now);
  }

  /**
   * One step towards {@code spec.replicas} members: promote a caught-up learner, add the next
   * missing member as a learner, or remove the highest surplus member (after moving leadership off
   * it). Only while every voter is healthy, so the quorum holds at every step.
   */
  private boolean scale(
      EventCluster ec,
      List<Pod> pods,
      String leader,
      EventClusterStatus status,
      List<MemberStatus> voters,
      Instant now) {
    int desired = ec.getSpec().replicas;
    String leaderUrl = Names.podHttpUrl(ec, ordinal(leader));
    List<MemberStatus> learners = status.members.stream().filter(m -> !isVoter(m)).toList();
    Optional<MemberStatus> caughtUp =
        learners.stream()
            .filter(m -> ordinal(m.pod) < desired)
            .filter(m -> StatusReport.caughtUp(m.lag, m.lastContactMs))
            .findFirst();
    if (caughtUp.isPresent()) {
      boolean done = admin.promote(leaderUrl, caughtUp.get().pod);
      record(
          ec,
          status,
          "MemberPromoted",
          (done ? "promoted " : "could not promote ") + caughtUp.get().pod + " to voter",
          now,
          !done);
      return true;
    }
    if (learners.isEmpty() && status.members.size() < desired) {
      for (int i = 0; i < desired; i++) {
        String id = Names.cluster(ec) + "-" + i;
        boolean member = status.members.stream().anyMatch(m -> m.pod.equals(id));
        boolean podExists = pods.stream().anyMatch(p -> p.getMetadata().getName().equals(id));
        if (!member && podExists) {
          var l = ec.getSpec().listeners;
          String peer =
              RaftPeers.peer(
                  Names.cluster(ec),
                  ec.getMetadata().getNamespace(),
                  i,
                  l.raftPort,
                  l.clientPort,
                  l.httpPort);
          boolean done = admin.addLearner(leaderUrl, peer);
          record(
              ec,
              status,
              "MemberAdded",
              (done ? "added " : "could not add ") + id + " as a learner",
              now,
              !done);
          return true;
        }
      }
      return false;
    }
    Optional<MemberStatus> surplus =
        status.members.stream()
            .filter(m -> ordinal(m.pod) >= desired)
            .max(Comparator.comparingInt(m -> ordinal(m.pod)));
    if (surplus.isEmpty()) {
      return false;
    }
    String id = surplus.get().pod;
    if (id.equals(leader)) {
      Optional<String> successor =
          voters.stream().filter(m -> ordinal(m.pod) < desired).map(m -> m.pod).findFirst();
      if (successor.isEmpty()) {
        return false;
      }
      moveLeadership(ec, status, id, successor.get(), "removing", now);
      return true;
    }
    // Every voter is healthy here, so the ones left after this removal are a quorum of themselves.
    boolean done = admin.remove(leaderUrl, id);
    record(
        ec,
        status,
        "MemberRemoved",
        (done ? "removed " : "could not remove ") + id + " from the Raft group",
        now,
        !done);
    return true;
  }

  private boolean roll(
      EventCluster ec,
      StatefulSet sts,
      List<Pod> pods,
      String leader,
      EventClusterStatus status,
      int quorum,
      long healthy,
      Instant now) {
    int replicas = sts.getSpec().getReplicas();
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
        pods.size() == replicas
            && pods.stream().allMatch(Pods::ready)
            && status.members.size() == replicas
            && status.members.stream().allMatch(m -> m.healthy);
    if (outdated.isEmpty() || !settled || healthy - 1 < quorum) {
      return false;
    }
    Optional<Pod> follower =
        outdated.stream().filter(p -> !p.getMetadata().getName().equals(leader)).findFirst();
    if (follower.isPresent()) {
      String pod = follower.get().getMetadata().getName();
      deletePod(ec, pod);
      record(
          ec,
          status,
          "RollingRestart",
          "restarted follower " + pod + " for revision " + revision + " while " + leader + " leads",
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
    moveLeadership(ec, status, leader, successor.get(), "restarting", now);
    return true;
  }

  /**
   * A member whose engine reports unreadable storage rejoins with an empty volume: first it leaves
   * the Raft group (so that, empty, it never votes as the member it was), then its claim and pod
   * are deleted; the StatefulSet recreates both, and {@link #scale} adds the new member as a
   * learner that catches up by snapshot and is promoted. Only while every other member is healthy.
   */
  private boolean replaceVolume(
      EventCluster ec, Pod pod, String leader, EventClusterStatus status, Instant now) {
    String name = pod.getMetadata().getName();
    boolean othersHealthy =
        status.members.stream().filter(m -> !m.pod.equals(name)).allMatch(m -> m.healthy);
    if (!othersHealthy || name.equals(leader)) {
      return false;
    }
    String reason = Pods.storageUnreadable(pod).orElseThrow();
    if (status.members.stream().anyMatch(m -> m.pod.equals(name))) {
      boolean removed = admin.remove(Names.podHttpUrl(ec, ordinal(leader)), name);
      record(
          ec,
          status,
          "MemberRemoved",
          (removed ? "removed " : "could not remove ") + name + " from the group: " + reason,
          now,
          true);
      return true;
    }
    String claim = EngineStatefulSet.DATA_VOLUME + "-" + name;
    client
        .persistentVolumeClaims()
        .inNamespace(ec.getMetadata().getNamespace())
        .withName(claim)
        .delete();
    deletePod(ec, name);
    record(
        ec,
        status,
        "VolumeReplaced",
        "replaced pod " + name + " and its volume " + claim + ": " + reason,
        now,
        true);
    return true;
  }

  /** Asks the leader to hand over before it is {@code restarting} or {@code removing}. */
  private void moveLeadership(
      EventCluster ec,
      EventClusterStatus status,
      String leader,
      String successor,
      String before,
      Instant now) {
    boolean moved = admin.transferLeadership(Names.podHttpUrl(ec, ordinal(leader)), successor);
    record(
        ec,
        status,
        "LeadershipTransfer",
        (moved ? "moved" : "could not move")
            + " leadership from "
            + leader
            + " to "
            + successor
            + " before "
            + before
            + " "
            + leader,
        now,
        !moved);
  }

  private static int ordinal(String pod) {
    return Integer.parseInt(pod.substring(pod.lastIndexOf('-') + 1));
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
