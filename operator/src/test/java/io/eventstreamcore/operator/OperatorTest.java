package io.eventstreamcore.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventstreamcore.operator.crd.EventCluster;
import io.eventstreamcore.operator.engine.ClusterView;
import io.eventstreamcore.operator.engine.EngineAdmin;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatusBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReviewBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The real JOSDK operator against a mock API server: an applied EventCluster is reconciled. */
@EnableKubernetesMockClient(crud = true)
class OperatorTest {
  static KubernetesClient client;
  static KubernetesMockServer server;

  private final AtomicReference<ClusterView> leader = new AtomicReference<>();

  /** Engines that answer only once {@link #leader} is set, and only from demo-0. */
  private final EngineAdmin admin =
      viewOnly(
          httpUrl ->
              httpUrl.startsWith("https://demo-0.")
                  ? Optional.ofNullable(leader.get())
                  : Optional.empty());

  /** Engines whose cluster view {@code cluster} gives, refusing every membership change. */
  private static EngineAdmin viewOnly(Function<String, Optional<ClusterView>> cluster) {
    return new EngineAdmin() {
      @Override
      public Optional<ClusterView> cluster(String httpUrl) {
        return cluster.apply(httpUrl);
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
  }

  @Test
  void anAppliedEventClusterGetsItsEnginesAndAStatus() throws Exception {
    Clusters.installCrd(client);
    Operator operator = OperatorRunner.start(client, Set.of(), admin, Optional.empty());
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

  @Test
  void failedReconciliationsAreRetriedPastJosdksDefaultLimit() throws Exception {
    Clusters.installCrd(client);
    leader.set(
        new ClusterView(
            "flaky-0",
            "LEADER",
            "flaky-0",
            2,
            10,
            List.of(new ClusterView.Member("flaky-0", "LEADER", "", 10L, 0L, 0L))));
    // The default retry runs a failing reconciliation six times, then waits for a spec change.
    AtomicInteger failures = new AtomicInteger(8);
    EngineAdmin failingFirst =
        viewOnly(
            httpUrl -> {
              // The mock API server keeps the other tests' clusters: only this one's count.
              if (!httpUrl.startsWith("https://flaky-0.")) {
                return Optional.empty();
              }
              if (failures.getAndDecrement() > 0) {
                throw new IllegalStateException("engine admin API unreachable (test)");
              }
              return Optional.ofNullable(leader.get());
            });
    Operator operator = OperatorRunner.start(client, Set.of(), failingFirst, Optional.empty());
    try {
      client.resource(Clusters.named("flaky", "default")).create();
      await(
          "a status once the engines answer, after 8 failed reconciliations",
          () -> {
            EventCluster ec =
                client.resources(EventCluster.class).inNamespace("default").withName("flaky").get();
            return ec.getStatus() != null && "flaky-0".equals(ec.getStatus().leader);
          });
      assertThat(failures.get()).isNegative();
    } finally {
      operator.stop();
    }
  }

  @Test
  void ofTwoReplicasOnlyTheLeaseHolderActsAndTheOtherTakesOverWhenItStops() throws Exception {
    Clusters.installCrd(client);
    allowLeases();
    Operator first = OperatorRunner.start(client, Set.of(), admin, Optional.of(election("first")));
    Operator second = null;
    try {
      awaitHolder("first");
      second = OperatorRunner.start(client, Set.of(), admin, Optional.of(election("second")));
      client.resource(Clusters.named("ha", "default")).create();
      await("reconciled by the holder", () -> statefulSet("ha") != null);
      assertThat(holder()).isEqualTo("first");

      first.stop();
      awaitHolder("second");
      client.apps().statefulSets().inNamespace("default").withName("ha").delete();
      await("the new holder reconciles", () -> statefulSet("ha") != null);
    } finally {
      first.stop();
      if (second != null) {
        second.stop();
      }
    }
  }

  /** JOSDK asks the API server what it may do before it runs for the Lease; the mock cannot say. */
  private static void allowLeases() {
    server
        .expect()
        .post()
        .withPath("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews")
        .andReturn(
            201,
            new SelfSubjectRulesReviewBuilder()
                .withNewStatus()
                .addNewResourceRule()
                .withApiGroups("coordination.k8s.io")
                .withResources("leases")
                .withVerbs("get", "create", "update")
                .endResourceRule()
                .withIncomplete(false)
                .endStatus()
                .build())
        .always();
  }

  private static LeaderElectionConfiguration election(String identity) {
    return new LeaderElectionConfiguration(
        "eventstreamcore-operator",
        "default",
        Duration.ofSeconds(2),
        Duration.ofMillis(1500),
        Duration.ofMillis(250),
        identity,
        null,
        false);
  }

  private static String holder() {
    Lease lease = client.leases().inNamespace("default").withName("eventstreamcore-operator").get();
    return lease == null ? null : lease.getSpec().getHolderIdentity();
  }

  private static Object statefulSet(String name) {
    return client.apps().statefulSets().inNamespace("default").withName(name).get();
  }

  private static void awaitHolder(String identity) throws InterruptedException {
    await("lease held by " + identity, () -> identity.equals(holder()));
  }

  private static void await(String what, BooleanSupplier done) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!done.getAsBoolean()) {
      assertThat(System.nanoTime()).as(what).isLessThan(deadline);
      Thread.sleep(100);
    }
  }
}
