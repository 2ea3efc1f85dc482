package io.eventstreamcore.operator.reconcile;

import io.eventstreamcore.operator.children.Names;
import io.eventstreamcore.operator.children.RaftPeers;
import io.eventstreamcore.operator.crd.EventClusterStatus.MemberStatus;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * One step towards {@code spec.replicas} members: promote a caught-up learner, add the next missing
 * member as a learner, or remove the highest surplus member (after moving leadership off it). Only
 * while every voter is healthy, so the quorum holds at every step.
 */
final class ScaleMembers implements RaftSafeAction {
  private final ActionSupport support;

  ScaleMembers(ActionSupport support) {
    this.support = support;
  }

  @Override
  public Outcome consider(ClusterState s) {
    if (s.healthyVoters() != s.voters().size()) {
      return Outcome.NOT_NEEDED;
    }
    int desired = s.ec().getSpec().replicas;
    List<MemberStatus> learners =
        s.status().members.stream().filter(m -> !ClusterState.isVoter(m)).toList();
    Optional<MemberStatus> caughtUp =
        learners.stream()
            .filter(m -> ClusterState.ordinal(m.pod) < desired)
            .filter(m -> StatusReport.caughtUp(m.lag, m.lastContactMs))
            .findFirst();
    if (caughtUp.isPresent()) {
      return promote(s, caughtUp.get());
    }
    if (learners.isEmpty() && s.status().members.size() < desired) {
      return addMissing(s, desired);
    }
    return removeSurplus(s, desired);
  }

  private Outcome promote(ClusterState s, MemberStatus learner) {
    boolean done = support.admin.promote(s.leaderUrl(), learner.pod);
    support.record(
        s,
        "MemberPromoted",
        (done ? "promoted " : "could not promote ") + learner.pod + " to voter",
        !done);
    return Outcome.ACTED;
  }

  /** The lowest ordinal whose pod exists but is not a member joins as a learner. */
  private Outcome addMissing(ClusterState s, int desired) {
    for (int i = 0; i < desired; i++) {
      String id = Names.cluster(s.ec()) + "-" + i;
      boolean member = s.status().members.stream().anyMatch(m -> m.pod.equals(id));
      boolean podExists = s.pods().stream().anyMatch(p -> p.getMetadata().getName().equals(id));
      if (!member && podExists) {
        var l = s.ec().getSpec().listeners;
        String peer =
            RaftPeers.peer(
                Names.cluster(s.ec()),
                s.ec().getMetadata().getNamespace(),
                i,
                l.raftPort,
                l.clientPort,
                l.httpPort);
        boolean done = support.admin.addLearner(s.leaderUrl(), peer);
        support.record(
            s, "MemberAdded", (done ? "added " : "could not add ") + id + " as a learner", !done);
        return Outcome.ACTED;
      }
    }
    return Outcome.NOT_NEEDED;
  }

  private Outcome removeSurplus(ClusterState s, int desired) {
    Optional<MemberStatus> surplus =
        s.status().members.stream()
            .filter(m -> ClusterState.ordinal(m.pod) >= desired)
            .max(Comparator.comparingInt(m -> ClusterState.ordinal(m.pod)));
    if (surplus.isEmpty()) {
      return Outcome.NOT_NEEDED;
    }
    String id = surplus.get().pod;
    if (id.equals(s.leader())) {
      Optional<String> successor =
          s.voters().stream()
              .filter(m -> ClusterState.ordinal(m.pod) < desired)
              .map(m -> m.pod)
              .findFirst();
      if (successor.isEmpty()) {
        return Outcome.NOT_NEEDED;
      }
      support.moveLeadership(s, successor.get(), "removing");
      return Outcome.ACTED;
    }
    // Every voter is healthy here, so the ones left after this removal are a quorum of themselves.
    boolean done = support.admin.remove(s.leaderUrl(), id);
    support.record(
        s,
        "MemberRemoved",
        (done ? "removed " : "could not remove ") + id + " from the Raft group",
        !done);
    return Outcome.ACTED;
  }
}
