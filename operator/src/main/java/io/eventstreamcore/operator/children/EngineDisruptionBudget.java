package io.eventstreamcore.operator.children;

import io.eventstreamcore.operator.crd.EventCluster;
import io.eventstreamcore.operator.crd.EventClusterSpec;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import java.util.Optional;

/** Keeps voluntary evictions (node drains) from taking more engines than the quorum can spare. */
public final class EngineDisruptionBudget {
  private EngineDisruptionBudget() {}

  /** Empty when disabled or for a single engine, which cannot spare any. */
  public static Optional<PodDisruptionBudget> desired(EventCluster ec) {
    EventClusterSpec s = ec.getSpec();
    if (!s.disruptionBudget.enabled || s.replicas == 1) {
      return Optional.empty();
    }
    int maxUnavailable = Math.min(s.disruptionBudget.maxUnavailable, s.replicas / 2);
    return Optional.of(
        new PodDisruptionBudgetBuilder()
            .withMetadata(Names.metadata(ec, Names.cluster(ec)))
            .withNewSpec()
            .withNewMaxUnavailable(maxUnavailable)
            .withNewSelector()
            .withMatchLabels(Names.selector(ec))
            .endSelector()
            .endSpec()
            .build());
  }
}
