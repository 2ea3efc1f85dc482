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
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Starts the Java Operator SDK inside the Quarkus application and stops it with the app. */
@ApplicationScoped
public class OperatorMain {
  @ConfigProperty(name = "esc.operator.enabled", defaultValue = "true")
  boolean enabled;

  private Operator operator;

  void start(@Observes StartupEvent ev) {
    if (!enabled) {
      return;
    }
    KubernetesClient client = new KubernetesClientBuilder().build();
    operator = start(client);
  }

  /** The operator on a client; tests use it against a mock API server. */
  public static Operator start(KubernetesClient client) {
    Operator op =
        new Operator(
            o ->
                o.withKubernetesClient(client)
                    .withCloseClientOnStop(false)
                    // Status is patched as JSON merge, which every API server (and the mock) takes.
                    .withUseSSAToPatchPrimaryResource(false));
    op.register(
        new EventClusterReconciler(
            new ClusterReconciliation(client, new HttpEngineAdmin(), Clock.systemUTC())));
    op.start();
    return op;
  }

  void stop(@Observes ShutdownEvent ev) {
    if (operator != null) {
      operator.stop();
    }
  }
}
