package io.eventstreamcore.node.health;

import io.eventstreamcore.node.Engine;
import io.eventstreamcore.node.replication.RaftNode;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Optional;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready means useful to clients: a member of the Raft group, a leader known, its commit index heard
 * from the leader, not copying a snapshot from the leader, and the state machine caught up with the
 * leader's commit index (within {@code esc.health.max-apply-lag}), and room on its data volume
 * ({@code esc.store.min-free-bytes}): a node that refuses every event is no use to a producer.
 *
 * <p>A restarted node is also not ready until its leader-path warm-up is done, about 2 s after it
 * caught up: whatever waits for readiness before its next step (a roll, a bench's next kill) met
 * that warm-up mid-run otherwise, on a node that might have to win the next election. In one {@code
 * esc failover-bench} run it was running on a survivor at four of ten kills; with readiness
 * waiting, at none (docs/benchmarks.md).
 */
@Readiness
@ApplicationScoped
public class RaftReadiness implements HealthCheck {
  @Inject Engine engine;

  @Override
  public HealthCheckResponse call() {
    RaftNode raft = engine.raft();
    if (raft == null) {
      return HealthCheckResponse.named("raft-member").down().withData("reason", "starting").build();
    }
    String leader = raft.leaderId();
    long leaderCommit = raft.leaderCommitIndex();
    long commit = Math.max(raft.commitIndex(), leaderCommit);
    long applied = raft.appliedIndex();
    long lag = Math.max(0, commit - applied);
    // A restarted follower knows the leader from its first append, but learns the leader's commit
    // index only once an append succeeds: until then its own commit index says nothing about how
    // far behind it is.
    boolean heardLeaderCommit = leader.isEmpty() || leaderCommit >= 0;
    boolean member = raft.peers().stream().anyMatch(p -> p.id().equals(raft.selfId()));
    boolean catchingUp = engine.stateMachine().isCatchingUp();
    boolean leaderPathWarm = raft.leaderPathWarm();
    Optional<String> storageFull =
        engine.diskSpace() == null ? Optional.empty() : engine.diskSpace().refusal();
    boolean ready =
        raft.isAlive()
            && member
            && !catchingUp
            && !leader.isEmpty()
            && heardLeaderCommit
            && lag <= engine.config().health().maxApplyLag()
            && storageFull.isEmpty()
            && leaderPathWarm;
    return HealthCheckResponse.named("raft-member")
        .status(ready)
        .withData("role", raft.role().name())
        .withData("leader", leader)
        .withData("term", raft.term())
        .withData("commitIndex", commit)
        .withData("appliedIndex", applied)
        .withData("applyLag", lag)
        .withData("leaderCommitKnown", heardLeaderCommit)
        .withData("catchingUp", catchingUp)
        .withData("storage", storageFull.orElse("ok"))
        .withData("leaderPath", leaderPathWarm ? "warm" : "warming up")
        .withData("dedup", engine.dedup() == null ? "off" : engine.dedup().memberState())
        .withData(
            "pipeline", engine.pressure() == null ? "starting" : engine.pressure().state().name())
        .build();
  }
}
