package io.eventstreamcore.e2e;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.net.InetAddress;
import java.util.HashMap;

/** Fabric8's mock API server on loopback, storing what it is sent, with the EventCluster CRD. */
final class MockApiServer {
  private MockApiServer() {}

  static KubernetesMockServer start() {
    KubernetesMockServer server =
        new KubernetesMockServer(
            new Context(),
            new MockWebServer(),
            new HashMap<>(),
            new KubernetesCrudDispatcher(),
            false);
    server.init(InetAddress.getLoopbackAddress(), 0);
    try (KubernetesClient client = server.createClient()) {
      client
          .apiextensions()
          .v1()
          .customResourceDefinitions()
          .load(
              MockApiServer.class.getResourceAsStream(
                  "/META-INF/fabric8/eventclusters.eventstreamcore.io-v1.yml"))
          .create();
    }
    return server;
  }
}
