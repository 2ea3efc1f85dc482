package io.eventstreamcore.operator;

import io.eventstreamcore.operator.engine.HttpEngineAdmin;
import io.eventstreamcore.operator.reconcile.ClusterReconciliation;
import io.eventstreamcore.operator.reconcile.EventClusterReconciler;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.javaoperatorsdk.operator.Operator;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Starts the Java Operator SDK inside the Quarkus application and stops it with the app. */
@ApplicationScoped
public class OperatorMain {
  @ConfigProperty(name = "esc.operator.enabled", defaultValue = "true")
  boolean enabled;

  /** Namespaces whose EventClusters are reconciled; all when unset. */
  @ConfigProperty(name = "esc.operator.watch-namespaces")
  Optional<List<String>> watchNamespaces;

  private Operator operator;

  void start(@Observes StartupEvent ev) {
    if (!enabled) {
      return;
    }
    KubernetesClient client = new KubernetesClientBuilder().build();
    operator = start(client, watchNamespaces.map(Set::copyOf).orElse(Set.of()));
  }

  /**
   * The operator on a client; tests use it against a mock API server.
   *
   * @param namespaces the namespaces to watch; empty for all
   */
  public static Operator start(KubernetesClient client, Set<String> namespaces) {
    Operator op =
        new Operator(
            o ->
                o.withKubernetesClient(client)
                    .withCloseClientOnStop(false)
                    // Status is patched as JSON merge, which every API server (and the mock) takes.
                    .withUseSSAToPatchPrimaryResource(false));
    op.register(
        new EventClusterReconciler(
            new ClusterReconciliation(client, new HttpEngineAdmin(), Clock.systemUTC())),
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

  void stop(@Observes ShutdownEvent ev) {
    if (operator != null) {
      operator.stop();
    }
  }
}
