package io.eventstreamcore.e2e;

import static io.eventstreamcore.e2e.EventClusterScenarios.NAME;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The EventCluster scenarios on the local simulation (operator, mock API server, simulated kubelet,
 * real engine processes), so that they run everywhere; plus recovery of a crash-looping member,
 * which only the simulation can stage.
 */
class SimulatedClusterIT extends EventClusterScenarios {
  @Override
  KubeCluster startCluster(Path dir) throws Exception {
    return SimulatedKube.start("sim", NAME, dir);
  }

  @Test
  void aCrashLoopingLeaderIsReplacedWithoutLosingAcknowledgedEvents() throws Exception {
    try (SimulatedKube kube = SimulatedKube.start("sim", NAME, dir)) {
      create(kube);
      edit(kube, e -> e.getSpec().recovery.unhealthyAfter = "15s");
      PacedLoad load = new PacedLoad(endpoints(kube, 3), "orders", 30_000, 50, 50, 32).start();
      load.awaitAcked(500);
      String crashed = status(kube).leader;
      kube.crashLoop(crashed);
      awaitStatus(
          kube,
          "the crash-looping leader replaced",
          s ->
              s.lastRecoveryAction != null
                  && s.lastRecoveryAction.contains("replaced pod " + crashed));
      awaitStatus(kube, "Running again", s -> running(s) && s.members.size() == 3);
      assertNothingAcknowledgedLost(kube, load);
    }
  }
}
