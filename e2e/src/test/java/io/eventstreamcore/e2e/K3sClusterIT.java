package io.eventstreamcore.e2e;

import java.nio.file.Path;
import org.testcontainers.junit.jupiter.Testcontainers;

/**
 * The EventCluster scenarios on a real Kubernetes: k3s in a container, the images this build wrote,
 * the operator installed by the Helm chart. Skipped, with the reason, where no Docker engine is
 * available.
 */
@Testcontainers(disabledWithoutDocker = true)
class K3sClusterIT extends EventClusterScenarios {
  @Override
  KubeCluster startCluster(Path dir) throws Exception {
    return K3sKube.start(Path.of(System.getProperty("esc.images.dir")));
  }
}
