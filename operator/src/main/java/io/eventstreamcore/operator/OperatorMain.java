package io.eventstreamcore.operator;

import io.eventstreamcore.operator.engine.HttpEngineAdmin;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.javaoperatorsdk.operator.Operator;
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
    operator =
        OperatorRunner.start(
            client, watchNamespaces.map(Set::copyOf).orElse(Set.of()), new HttpEngineAdmin());
  }

  void stop(@Observes ShutdownEvent ev) {
    if (operator != null) {
      operator.stop();
    }
  }
}
