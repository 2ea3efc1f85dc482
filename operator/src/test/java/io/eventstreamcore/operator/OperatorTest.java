package io.eventstreamcore.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventstreamcore.operator.crd.EventCluster;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.javaoperatorsdk.operator.Operator;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The real JOSDK operator against a mock API server: an applied EventCluster is reconciled. */
@EnableKubernetesMockClient(crud = true)
class OperatorTest {
  static KubernetesClient client;

  @Test
  void anAppliedEventClusterGetsItsEnginesAndAStatus() throws Exception {
    Clusters.installCrd(client);
    Operator operator = OperatorMain.start(client, Set.of());
    try {
      client.resource(Clusters.named("demo", "default")).create();
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      EventCluster ec;
      do {
        Thread.sleep(100);
        assertThat(System.nanoTime()).as("reconciled").isLessThan(deadline);
        ec = client.resources(EventCluster.class).inNamespace("default").withName("demo").get();
      } while (ec.getStatus() == null || ec.getStatus().phase == null);
      assertThat(ec.getStatus().phase).isEqualTo("Creating");
      assertThat(ec.getStatus().observedGeneration).isNotNull();
      assertThat(client.apps().statefulSets().inNamespace("default").withName("demo").get())
          .isNotNull();
    } finally {
      operator.stop();
    }
  }
}
