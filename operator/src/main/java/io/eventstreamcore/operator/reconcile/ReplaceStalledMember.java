package io.eventstreamcore.operator.reconcile;

import io.eventstreamcore.operator.crd.Durations;
import io.eventstreamcore.operator.crd.EventClusterStatus.MemberStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Restarts the pod of a member that has been unhealthy without progress for longer than {@code
 * spec.recovery.unhealthyAfter} ({@link StatusReport} restarts that clock whenever the member's
 * match index moves, so a member still catching up is left to finish). Only while the others are
 * healthy and a quorum of healthy voters remains.
 */
final class ReplaceStalledMember implements RaftSafeAction {
  private final ActionSupport support;

  ReplaceStalledMember(ActionSupport support) {
    this.support = support;
  }

  @Override
  public Outcome consider(ClusterState s) {
    Duration after = Durations.parse(s.ec().getSpec().recovery.unhealthyAfter);
    Optional<MemberStatus> stalled =
        s.status().members.stream()
            .filter(m -> m.unhealthySince != null)
            .filter(m -> Instant.parse(m.unhealthySince).plus(after).isBefore(s.now()))
            .findFirst();
    if (stalled.isEmpty()) {
      return Outcome.NOT_NEEDED;
    }
    MemberStatus m = stalled.get();
    if (!s.othersHealthy(m.pod) || s.healthyVoters() < s.quorum()) {
      return Outcome.HELD;
    }
    String action =
        "replaced pod "
            + m.pod
            + ": unhealthy without progress since "
            + m.unhealthySince
            + " (lag "
            + m.lag
            + ")";
    support.deletePod(s.ec(), m.pod);
    // The new pod gets the full grace period to catch up before it could be judged again.
    m.unhealthySince = s.now().toString();
    support.record(s, "MemberReplaced", action, true);
    return Outcome.ACTED;
  }
}
