package io.eventstreamcore.operator;

import io.eventstreamcore.operator.engine.EngineAdmin;
import io.eventstreamcore.operator.reconcile.ClusterReconciliation;
import io.eventstreamcore.operator.reconcile.EventClusterReconciler;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import java.time.Clock;
import java.util.Set;

/** Starts the Java Operator SDK with the EventCluster reconciler; free of Quarkus for tests. */
public final class OperatorRunner {
  private OperatorRunner() {}

  /**
   * @param namespaces the namespaces to watch; empty for all
   * @param admin how the operator reaches the engines' admin API
   */
  public static Operator start(KubernetesClient client, Set<String> namespaces, EngineAdmin admin) {
    Operator op =
        new Operator(
            o ->
                o.withKubernetesClient(client)
                    .withCloseClientOnStop(false)
                    // Status is patched as JSON merge, which every API server (and the mock) takes.
                    .withUseSSAToPatchPrimaryResource(false));
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
