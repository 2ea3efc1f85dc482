package io.eventstreamcore.operator;

import io.eventstreamcore.operator.engine.HttpEngineAdmin;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Starts the Java Operator SDK inside the Quarkus application and stops it with the app. */
@ApplicationScoped
public class OperatorMain {
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
  private KubernetesClient client;
  private OperatorLease lease;
  private volatile boolean stopping;

  void start(@Observes StartupEvent ev) {
    if (!enabled) {
      return;
    }
    client = new KubernetesClientBuilder().build();
    Optional<LeaderElectionConfiguration> election = Optional.empty();
    if (leaderElection) {
      lease =
          new OperatorLease(
              client.getNamespace(),
              Optional.ofNullable(System.getenv("HOSTNAME")).orElse(UUID.randomUUID().toString()));
      election = Optional.of(lease.configuration(this::leaseLost));
    }
    operator =
        OperatorRunner.start(
            client,
            watchNamespaces.map(Set::copyOf).orElse(Set.of()),
            new HttpEngineAdmin(),
            election);
  }

  /** Another replica may act now: this one must not, so it ends (and Kubernetes restarts it). */
  private void leaseLost() {
    if (!stopping) {
      Quarkus.asyncExit(1);
    }
  }

  void stop(@Observes ShutdownEvent ev) {
    stopping = true;
    if (operator != null) {
      operator.stop();
    }
    if (lease != null) {
      lease.release(client);
    }
  }
}
