package io.eventstreamcore.operator;

import io.eventstreamcore.operator.engine.EngineAdmin;
import io.eventstreamcore.operator.reconcile.ClusterReconciliation;
import io.eventstreamcore.operator.reconcile.EventClusterReconciler;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import java.time.Clock;
import java.util.Optional;
import java.util.Set;

/** Starts the Java Operator SDK with the EventCluster reconciler; free of Quarkus for tests. */
public final class OperatorRunner {
  private OperatorRunner() {}

  /**
   * @param namespaces the namespaces to watch; empty for all
   * @param admin how the operator reaches the engines' admin API
   * @param election a Lease to hold before reconciling, so that of several operator replicas only
   *     one acts (its changes are one step at a time and must not interleave with another's)
   */
  public static Operator start(
      KubernetesClient client,
      Set<String> namespaces,
      EngineAdmin admin,
      Optional<LeaderElectionConfiguration> election) {
    Operator op =
        new Operator(
            o -> {
              o.withKubernetesClient(client)
                  .withCloseClientOnStop(false)
                  // Status is patched as JSON merge, which every API server (and the mock) takes.
                  .withUseSSAToPatchPrimaryResource(false);
              election.ifPresent(o::withLeaderElectionConfiguration);
            });
    op.register(
        new EventClusterReconciler(new ClusterReconciliation(client, admin, Clock.systemUTC())),
        o -> {
          if (namespaces.isEmpty()) {
            o.watchingAllNamespaces();
          } else {
            o.settingNamespaces(namespaces);
          }
        });
    op.start();
    return op;
  }
}
