package io.eventstreamcore.e2e;

import static io.eventstreamcore.e2e.EventClusterScenarios.NAME;
import static org.assertj.core.api.Assertions.assertThat;

import io.eventstreamcore.operator.crd.EventClusterStatus;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The EventCluster scenarios on the local simulation (operator, mock API server, simulated kubelet,
 * real engine processes), so that they run everywhere; plus the recovery of failed members (a
 * crash-looping leader, a member whose Raft log is corrupt), which only the simulation can stage.
 */
class SimulatedClusterIT extends EventClusterScenarios {
  @Override
  KubeCluster startCluster(Path dir) throws Exception {
    return SimulatedKube.start("sim", NAME, dir);
  }

  @Test
  void failedMembersAreReplacedWithoutLosingAcknowledgedEvents() throws Exception {
    try (SimulatedKube kube = SimulatedKube.start("sim", NAME, dir)) {
      create(kube);
      edit(kube, e -> e.getSpec().recovery.unhealthyAfter = "15s");
      PacedLoad load = load(kube).start();
      load.awaitAcked(500);

      String crashed = status(kube).leader;
      kube.crashLoop(crashed);
      awaitStatus(
          kube,
          "the crash-looping leader replaced",
          s ->
              s.lastRecoveryAction != null
                  && s.lastRecoveryAction.contains("replaced pod " + crashed));
      awaitStatus(kube, "Running again", s -> allHealthy(s));
      load.awaitAcked(load.acked().size() + 300);

      String leader = status(kube).leader;
      String corrupt = pod(leader.equals(pod(2)) ? 1 : 2);
      kube.corruptStorage(corrupt);
      awaitStatus(
          kube,
          "a fresh volume for the member with a corrupt log",
          s ->
              s.lastRecoveryAction != null
                  && s.lastRecoveryAction.contains(
                      "replaced pod " + corrupt + " and its volume data-" + corrupt));
      awaitStatus(kube, "the new member promoted and caught up", s -> allHealthy(s));

      assertNothingAcknowledgedLost(kube, load);
      long deadline = System.nanoTime() + 30_000_000_000L;
      while (!Nodes.readIds(kube.clientEndpoint(corrupt), "orders")
          .containsAll(load.acked().keySet())) {
        assertThat(System.nanoTime())
            .as("the member rebuilt from nothing holds every acknowledged event")
            .isLessThan(deadline);
        Thread.sleep(500);
      }
    }
  }

  /**
   * Every call the operator made in these scenarios (create, scale, roll, replace, hold its Lease)
   * is one the chart's RBAC allows: the mock API server allows everything, a real one does not.
   */
  @AfterAll
  static void everyCallTheOperatorMadeIsAllowedByTheChartsRbac() throws Exception {
    List<RbacAudit.Call> calls = List.copyOf(SimulatedKube.OPERATOR_CALLS);
    assertThat(calls)
        .extracting(RbacAudit.Call::resource)
        .contains("leases", "statefulsets", "secrets");
    Path chart =
        Path.of(System.getProperty("esc.images.dir"), "charts", "eventstreamcore-operator");
    System.out.println(
        "operator API calls: "
            + new java.util.TreeSet<>(calls.stream().map(Object::toString).toList()));
    assertThat(RbacAudit.notAllowedByChart(calls, chart)).isEmpty();
    assertThat(
            RbacAudit.notAllowedByChart(List.of(new RbacAudit.Call("", "secrets", "list")), chart))
        .as("the audit refuses what the chart does not grant (the operator reads Secrets by name)")
        .isNotEmpty();
  }

  private static boolean allHealthy(EventClusterStatus s) {
    return running(s)
        && s.members.size() == 3
        && s.members.stream().allMatch(m -> m.healthy && !"LEARNER".equals(m.role));
  }
}
