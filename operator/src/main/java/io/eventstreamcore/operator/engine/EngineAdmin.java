package io.eventstreamcore.operator.engine;

import java.util.Optional;

/** The engines' admin API as the operator uses it. */
public interface EngineAdmin {
  /** The Raft view of the engine at {@code httpUrl}, or empty when it does not answer. */
  Optional<ClusterView> cluster(String httpUrl);
}
