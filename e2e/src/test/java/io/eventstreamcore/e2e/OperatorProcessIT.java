package io.eventstreamcore.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.eventstreamcore.operator.OperatorLease;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator as it is deployed: its Quarkus application in a process of its own, two replicas
 * electing through their Lease. SIGTERM must end the leading one within seconds (JOSDK's exit on
 * losing the Lease used to wait for ever behind the JVM's shutdown hook) and release the Lease, so
 * that the standby takes over at once.
 */
class OperatorProcessIT {
  private static final String NAMESPACE = "esc-system";

  @TempDir Path dir;

  private final List<Process> processes = new ArrayList<>();
  private KubernetesMockServer server;

  @AfterEach
  void stop() {
    processes.forEach(Process::destroyForcibly);
    if (server != null) {
      server.destroy();
    }
  }

  @Test
  void sigtermEndsTheLeadingOperatorAndTheStandbyTakesOverAtOnce() throws Exception {
    server = MockApiServer.start();
    try (KubernetesClient client = server.createClient()) {
      Process a = operator("operator-a", client);
      await().atMost(Duration.ofSeconds(60)).until(() -> "operator-a".equals(holder(client)));
      Process b = operator("operator-b", client);
      await().atMost(Duration.ofSeconds(60)).until(() -> log("operator-b").contains("started in"));

      a.destroy(); // SIGTERM
      assertThat(a.waitFor(10, TimeUnit.SECONDS)).as("ended within 10 s of SIGTERM").isTrue();
      long stopped = System.nanoTime();
      await().atMost(Duration.ofSeconds(10)).until(() -> "operator-b".equals(holder(client)));
      // Without the release the standby waits out the Lease's 15 s duration.
      assertThat(Duration.ofNanos(System.nanoTime() - stopped)).isLessThan(Duration.ofSeconds(8));

      b.destroy();
      assertThat(b.waitFor(10, TimeUnit.SECONDS)).isTrue();
      assertThat(holder(client)).as("released on stop").isNull();
    }
  }

  private Process operator(String name, KubernetesClient client) throws Exception {
    Path jar =
        Path.of(System.getProperty("esc.images.dir"), "operator", "target", "quarkus-app")
            .resolve("quarkus-run.jar");
    ProcessBuilder pb =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dquarkus.http.port=" + Nodes.freePort(),
                "-jar",
                jar.toString())
            .redirectErrorStream(true)
            .redirectOutput(logFile(name));
    pb.environment().put("KUBERNETES_MASTER", client.getConfiguration().getMasterUrl());
    pb.environment().put("KUBERNETES_NAMESPACE", NAMESPACE);
    pb.environment().put("KUBERNETES_AUTH_TRYKUBECONFIG", "false");
    pb.environment().put("KUBERNETES_AUTH_TRYSERVICEACCOUNT", "false");
    pb.environment().put("HOSTNAME", name);
    Process p = pb.start();
    processes.add(p);
    return p;
  }

  private File logFile(String name) {
    return dir.resolve(name + ".log").toFile();
  }

  private String log(String name) throws Exception {
    return java.nio.file.Files.readString(logFile(name).toPath());
  }

  private static String holder(KubernetesClient client) {
    Lease lease = client.leases().inNamespace(NAMESPACE).withName(OperatorLease.NAME).get();
    return lease == null || lease.getSpec() == null ? null : lease.getSpec().getHolderIdentity();
  }
}
