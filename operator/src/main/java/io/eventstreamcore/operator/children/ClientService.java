package io.eventstreamcore.operator.children;

import io.eventstreamcore.operator.crd.EventCluster;
import io.eventstreamcore.operator.crd.EventClusterSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;

/** Where producers and consumers connect: ready engines only; any of them takes writes. */
public final class ClientService {
  private ClientService() {}

  public static Service desired(EventCluster ec) {
    EventClusterSpec.Listeners l = ec.getSpec().listeners;
    return new ServiceBuilder()
        .withMetadata(Names.metadata(ec, Names.cluster(ec)))
        .withNewSpec()
        .withType(l.serviceType.name())
        .withSelector(Names.selector(ec))
        .addNewPort()
        .withName("client")
        .withPort(l.clientPort)
        .endPort()
        .addNewPort()
        .withName("http")
        .withPort(l.httpPort)
        .endPort()
        .endSpec()
        .build();
  }
}
