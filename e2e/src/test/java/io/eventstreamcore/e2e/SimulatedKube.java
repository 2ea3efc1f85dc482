package io.eventstreamcore.e2e;

import io.eventstreamcore.operator.OperatorRunner;
import io.eventstreamcore.operator.engine.ClusterView;
import io.eventstreamcore.operator.engine.EngineAdmin;
import io.eventstreamcore.operator.engine.HttpEngineAdmin;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.javaoperatorsdk.operator.Operator;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;

/**
 * The operator in this JVM against a mock API server, with {@link KubeletSimulation} running real
 * engine processes on loopback for the pods of one EventCluster.
 */
final class SimulatedKube implements KubeCluster {
  private final KubernetesMockServer server;
  private final String namespace;
  private final KubernetesClient client;
  private final KubeletSimulation kubelet;
  private final Operator operator;

  private SimulatedKube(
      KubernetesMockServer server,
      String namespace,
      KubernetesClient client,
      KubeletSimulation kubelet,
      Operator operator) {
    this.server = server;
    this.namespace = namespace;
    this.client = client;
    this.kubelet = kubelet;
    this.operator = operator;
  }

  /** Serves pods for the EventCluster {@code name} only; data under {@code dir}. */
  static SimulatedKube start(String namespace, String name, Path dir) throws Exception {
    KubernetesMockServer server = MockApiServer.start();
    KubernetesClient client = server.createClient();
    KubeletSimulation kubelet =
        new KubeletSimulation(client, namespace, name, dir, Nodes.freeBasePort(5));
    Operator operator = OperatorRunner.start(client, Set.of(), loopback(kubelet), Optional.empty());
    kubelet.start();
    return new SimulatedKube(server, namespace, client, kubelet, operator);
  }

  @Override
  public KubernetesClient client() {
    return client;
  }

  @Override
  public String namespace() {
    return namespace;
  }

  @Override
  public String clientEndpoint(String pod) {
    return "127.0.0.1:" + kubelet.clientPort(ordinal(pod));
  }

  /** See {@link KubeletSimulation#crashLoop}. */
  void crashLoop(String pod) throws InterruptedException {
    kubelet.crashLoop(ordinal(pod));
  }

  /** See {@link KubeletSimulation#corruptStorage}. */
  void corruptStorage(String pod) throws Exception {
    kubelet.corruptStorage(ordinal(pod));
  }

  private static int ordinal(String pod) {
    return Integer.parseInt(pod.substring(pod.lastIndexOf('-') + 1));
  }

  /** The operator's admin calls, sent to the simulated pods' loopback ports. */
  private static EngineAdmin loopback(KubeletSimulation kubelet) {
    EngineAdmin http = new HttpEngineAdmin();
    return new EngineAdmin() {
      @Override
      public Optional<ClusterView> cluster(String httpUrl) {
        return http.cluster(kubelet.loopbackUrl(httpUrl));
      }

      @Override
      public boolean transferLeadership(String leaderHttpUrl, String toNodeId) {
        return http.transferLeadership(kubelet.loopbackUrl(leaderHttpUrl), toNodeId);
      }

      @Override
      public boolean addLearner(String leaderHttpUrl, String peer) {
        return http.addLearner(kubelet.loopbackUrl(leaderHttpUrl), kubelet.loopbackPeer(peer));
      }

      @Override
      public boolean promote(String leaderHttpUrl, String nodeId) {
        return http.promote(kubelet.loopbackUrl(leaderHttpUrl), nodeId);
      }

      @Override
      public boolean remove(String leaderHttpUrl, String nodeId) {
        return http.remove(kubelet.loopbackUrl(leaderHttpUrl), nodeId);
      }
    };
  }

  @Override
  public void close() throws Exception {
    try {
      operator.stop();
      kubelet.close();
      client.close();
    } finally {
      server.destroy();
    }
  }
}
