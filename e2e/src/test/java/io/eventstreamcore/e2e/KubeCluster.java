package io.eventstreamcore.e2e;

import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * A Kubernetes with the EventCluster CRD installed and the operator running, as the scenarios of
 * {@link EventClusterScenarios} need it: a real k3s ({@link K3sKube}) or the local simulation
 * ({@link SimulatedKube}).
 */
interface KubeCluster extends AutoCloseable {
  KubernetesClient client();

  /** The namespace the scenarios create their EventCluster in. */
  String namespace();

  /** Where this test process reaches the client (binary protocol) port of {@code pod}. */
  String clientEndpoint(String pod);
}
