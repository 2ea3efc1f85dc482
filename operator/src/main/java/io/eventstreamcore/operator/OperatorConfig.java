package io.eventstreamcore.operator;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.List;
import java.util.Optional;

/** Every setting of the operator; docs/operations.md lists them with their chart values. */
@ConfigMapping(prefix = "esc.operator")
public interface OperatorConfig {
  /** Start the operator with the application; tests start it themselves. */
  @WithDefault("true")
  boolean enabled();

  /**
   * Hold the Lease {@code eventstreamcore-operator} (in the operator's namespace) before acting, so
   * that several replicas can run and only one reconciles.
   */
  @WithDefault("true")
  boolean leaderElection();

  /** Namespaces whose EventClusters are reconciled; all when unset. */
  Optional<List<String>> watchNamespaces();
}
