package io.eventstreamcore.node.health;

import io.eventstreamcore.node.Engine;
import io.eventstreamcore.node.replication.RaftNode;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Startup;

/**
 * Started once the node has replayed its log: a leader is known and everything committed is
 * applied. Sticky: later lag is readiness's business, not a reason to restart.
 */
@Startup
@ApplicationScoped
public class ReplayStartup implements HealthCheck {
  @Inject Engine engine;
  private volatile boolean replayed;

  @Override
  public HealthCheckResponse call() {
    RaftNode raft = engine.raft();
    if (!replayed && raft != null && !raft.leaderId().isEmpty()) {
      replayed = raft.appliedIndex() >= raft.commitIndex();
    }
    return HealthCheckResponse.named("log-replay").status(replayed).build();
  }
}
