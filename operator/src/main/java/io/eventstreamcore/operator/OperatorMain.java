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
import jakarta.inject.Inject;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/** Starts the Java Operator SDK inside the Quarkus application and stops it with the app. */
@ApplicationScoped
public class OperatorMain {
  @Inject OperatorConfig config;

  private Operator operator;
  private KubernetesClient client;
  private OperatorLease lease;
  private volatile boolean stopping;

  void start(@Observes StartupEvent ev) {
    if (!config.enabled()) {
      return;
    }
    client = new KubernetesClientBuilder().build();
    Optional<LeaderElectionConfiguration> election = Optional.empty();
    if (config.leaderElection()) {
      lease =
          new OperatorLease(
              client.getNamespace(),
              Optional.ofNullable(System.getenv("HOSTNAME")).orElse(UUID.randomUUID().toString()));
      election = Optional.of(lease.configuration(this::leaseLost));
    }
    operator =
        OperatorRunner.start(
            client,
            config.watchNamespaces().map(Set::copyOf).orElse(Set.of()),
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
