package io.eventstreamcore.e2e;

import io.eventstreamcore.cli.local.LocalCluster;
import io.eventstreamcore.operator.OperatorLease;
import io.eventstreamcore.operator.OperatorRunner;
import io.eventstreamcore.operator.engine.ClusterView;
import io.eventstreamcore.operator.engine.EngineAdmin;
import io.eventstreamcore.operator.engine.HttpEngineAdmin;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.javaoperatorsdk.operator.Operator;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

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

  /** How the operator's own requests are told from the test's and the kubelet's. */
  private static final String OPERATOR_AGENT = "esc-operator-under-test";

  /** The namespace the chart installs the operator in, where it holds its Lease. */
  static final String OPERATOR_NAMESPACE = "esc-system";

  /** Every API call the operator made, as RBAC sees it; filled when a simulation closes. */
  static final List<RbacAudit.Call> OPERATOR_CALLS = new CopyOnWriteArrayList<>();

  /** Serves pods for the EventCluster {@code name} only; data under {@code dir}. */
  static SimulatedKube start(String namespace, String name, Path dir) throws Exception {
    KubernetesMockServer server = MockApiServer.start();
    KubernetesClient client = server.createClient();
    KubeletSimulation kubelet =
        new KubeletSimulation(client, namespace, name, dir, LocalCluster.freeBasePort(5));
    KubernetesClient operatorClient =
        new KubernetesClientBuilder()
            .withConfig(
                new ConfigBuilder(client.getConfiguration()).withUserAgent(OPERATOR_AGENT).build())
            .build();
    // As deployed: the operator reconciles only while it holds its Lease.
    Operator operator =
        OperatorRunner.start(
            operatorClient,
            Set.of(),
            loopback(kubelet),
            Optional.of(
                new OperatorLease(OPERATOR_NAMESPACE, "operator-0").configuration(() -> {})));
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
      RecordedRequest r;
      while ((r = server.takeRequest(1, TimeUnit.MILLISECONDS)) != null) {
        if (OPERATOR_AGENT.equals(r.getHeader("User-Agent"))) {
          OPERATOR_CALLS.add(RbacAudit.of(r));
        }
      }
    } finally {
      server.destroy();
    }
  }
}
