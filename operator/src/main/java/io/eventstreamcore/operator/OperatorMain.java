package io.eventstreamcore.operator;

import io.eventstreamcore.operator.engine.HttpEngineAdmin;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Starts the Java Operator SDK inside the Quarkus application and stops it with the app. */
@ApplicationScoped
public class OperatorMain {
  static final String LEASE = "eventstreamcore-operator";

  @ConfigProperty(name = "esc.operator.enabled", defaultValue = "true")
  boolean enabled;

  /**
   * Hold the Lease {@code eventstreamcore-operator} (in the operator's namespace) before acting, so
   * that several replicas can run and only one reconciles.
   */
  @ConfigProperty(name = "esc.operator.leader-election", defaultValue = "true")
  boolean leaderElection;

  /** Namespaces whose EventClusters are reconciled; all when unset. */
  @ConfigProperty(name = "esc.operator.watch-namespaces")
  Optional<List<String>> watchNamespaces;

  private Operator operator;

  void start(@Observes StartupEvent ev) {
    if (!enabled) {
      return;
    }
    KubernetesClient client = new KubernetesClientBuilder().build();
    operator =
        OperatorRunner.start(
            client,
            watchNamespaces.map(Set::copyOf).orElse(Set.of()),
            new HttpEngineAdmin(),
            leaderElection
                ? Optional.of(new LeaderElectionConfiguration(LEASE))
                : Optional.empty());
  }

  void stop(@Observes ShutdownEvent ev) {
    if (operator != null) {
      operator.stop();
    }
  }
}
