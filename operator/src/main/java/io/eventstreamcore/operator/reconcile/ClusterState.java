package io.eventstreamcore.operator.reconcile;

import io.eventstreamcore.operator.children.Names;
import io.eventstreamcore.operator.crd.EventCluster;
import io.eventstreamcore.operator.crd.EventClusterStatus;
import io.eventstreamcore.operator.crd.EventClusterStatus.MemberStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.time.Instant;
import java.util.List;

/**
 * What a Raft-safe action decides on: the cluster, its StatefulSet and pods, the leader, and the
 * status just computed from the leader's view of the members, all at one moment.
 */
record ClusterState(
    EventCluster ec,
    StatefulSet sts,
    List<Pod> pods,
    String leader,
    EventClusterStatus status,
    Instant now) {

  List<MemberStatus> voters() {
    return status.members.stream().filter(ClusterState::isVoter).toList();
  }

  int quorum() {
    return voters().size() / 2 + 1;
  }

  long healthyVoters() {
    return voters().stream().filter(m -> m.healthy).count();
  }

  /** Every member but {@code pod} is healthy. */
  boolean othersHealthy(String pod) {
    return status.members.stream().filter(m -> !m.pod.equals(pod)).allMatch(m -> m.healthy);
  }

  String leaderUrl() {
    return Names.podHttpUrl(ec, ordinal(leader));
  }

  static int ordinal(String pod) {
    return Integer.parseInt(pod.substring(pod.lastIndexOf('-') + 1));
  }

  static boolean isVoter(MemberStatus m) {
    return !"LEARNER".equals(m.role);
  }
}
