package io.eventstreamcore.e2e;

import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;

/** Fabric8's mock API server on loopback, storing what it is sent, with the EventCluster CRD. */
final class MockApiServer {
  private MockApiServer() {}

  static KubernetesMockServer start() {
    Map<ServerRequest, Queue<ServerResponse>> expectations = new HashMap<>();
    KubernetesMockServer server =
        new KubernetesMockServer(
            new Context(),
            new MockWebServer(),
            expectations,
            new KubernetesMixedDispatcher(expectations),
            false);
    server.init(InetAddress.getLoopbackAddress(), 0);
    // The operator asks what it may do with its Lease before it elects; the store cannot answer
    // a review. Grant it here: whether the chart grants it is checked against the calls it makes.
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
                .withVerbs("*")
                .endResourceRule()
                .withIncomplete(false)
                .endStatus()
                .build())
        .always();
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
