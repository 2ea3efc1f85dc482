package io.eventstreamcore.operator.engine;

import java.util.Optional;

/** The engines' admin API as the operator uses it. */
public interface EngineAdmin {
  /**
   * The same API for a cluster that runs secured: over TLS trusting its CA, as its admin. An
   * implementation that reaches engines some other way (a test's) may answer itself.
   */
  default EngineAdmin with(EngineAccess access) {
    return this;
  }

  /** The Raft view of the engine at {@code httpUrl}, or empty when it does not answer. */
  Optional<ClusterView> cluster(String httpUrl);

  /**
   * Asks the leader at {@code leaderHttpUrl} to hand leadership to {@code toNodeId}.
   *
   * @return true when the leader confirmed the transfer
   */
  boolean transferLeadership(String leaderHttpUrl, String toNodeId);

  /** Adds a non-voting learner, {@code peer} as {@code id=host:raft-port:client-port:http-port}. */
  boolean addLearner(String leaderHttpUrl, String peer);

  /** Makes a caught-up learner a voter. */
  boolean promote(String leaderHttpUrl, String nodeId);

  /** Removes a member from the Raft group. */
  boolean remove(String leaderHttpUrl, String nodeId);
}
