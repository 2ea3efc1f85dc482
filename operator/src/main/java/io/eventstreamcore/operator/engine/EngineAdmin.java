package io.eventstreamcore.operator.engine;

import java.util.Optional;

/** The engines' admin API as the operator uses it. */
public interface EngineAdmin {
  /** The Raft view of the engine at {@code httpUrl}, or empty when it does not answer. */
  Optional<ClusterView> cluster(String httpUrl);

  /**
   * Asks the leader at {@code leaderHttpUrl} to hand leadership to {@code toNodeId}.
   *
   * @return true when the leader confirmed the transfer
   */
  boolean transferLeadership(String leaderHttpUrl, String toNodeId);
}
