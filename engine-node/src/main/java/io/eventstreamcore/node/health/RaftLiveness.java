package io.eventstreamcore.node.health;

import io.eventstreamcore.node.Engine;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/** Alive while the Raft server runs; a dead Raft server is worth a restart. */
@Liveness
@ApplicationScoped
public class RaftLiveness implements HealthCheck {
  @Inject Engine engine;

  @Override
  public HealthCheckResponse call() {
    boolean alive = engine.raft() != null && engine.raft().isAlive();
    return HealthCheckResponse.named("raft-server").status(alive).build();
  }
}
