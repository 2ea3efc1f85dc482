package io.eventstreamcore.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventstreamcore.operator.crd.EventCluster;
import io.eventstreamcore.operator.engine.ClusterView;
import io.eventstreamcore.operator.engine.EngineAdmin;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.javaoperatorsdk.operator.Operator;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The real JOSDK operator against a mock API server: an applied EventCluster is reconciled. */
@EnableKubernetesMockClient(crud = true)
class OperatorTest {
  static KubernetesClient client;

  private final AtomicReference<ClusterView> leader = new AtomicReference<>();

  /** Engines that answer only once {@link #leader} is set, and only from demo-0. */
  private final EngineAdmin admin =
      new EngineAdmin() {
        @Override
        public Optional<ClusterView> cluster(String httpUrl) {
          return httpUrl.startsWith("http://demo-0.")
              ? Optional.ofNullable(leader.get())
              : Optional.empty();
        }

        @Override
        public boolean transferLeadership(String leaderHttpUrl, String toNodeId) {
          return false;
        }

        @Override
        public boolean addLearner(String leaderHttpUrl, String peer) {
          return false;
        }

        @Override
        public boolean promote(String leaderHttpUrl, String nodeId) {
          return false;
        }

        @Override
        public boolean remove(String leaderHttpUrl, String nodeId) {
          return false;
        }
      };

  @Test
  void anAppliedEventClusterGetsItsEnginesAndAStatus() throws Exception {
    Clusters.installCrd(client);
    Operator operator = OperatorRunner.start(client, Set.of(), admin);
    try {
      client.resource(Clusters.named("demo", "default")).create();
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
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

      leader.set(
          new ClusterView(
              "demo-0",
              "LEADER",
              "demo-0",
              2,
              10,
              List.of(new ClusterView.Member("demo-0", "LEADER", "", 10L, 0L, 0L))));
      do {
        Thread.sleep(100);
        assertThat(System.nanoTime()).as("status follows the Raft view").isLessThan(deadline);
        ec = client.resources(EventCluster.class).inNamespace("default").withName("demo").get();
      } while (!"demo-0".equals(ec.getStatus().leader));

      // A field that was 0 before: the status patch must replace it, not fail on its absence.
      client
          .apps()
          .statefulSets()
          .inNamespace("default")
          .withName("demo")
          .editStatus(
              s -> {
                s.setStatus(
                    new StatefulSetStatusBuilder().withReplicas(3).withReadyReplicas(1).build());
                return s;
              });
      do {
        Thread.sleep(100);
        assertThat(System.nanoTime()).as("replicas reported").isLessThan(deadline);
        ec = client.resources(EventCluster.class).inNamespace("default").withName("demo").get();
      } while (ec.getStatus().readyReplicas != 1);
    } finally {
      operator.stop();
    }
  }
}
