package io.eventstreamcore.operator.children;

import io.eventstreamcore.operator.crd.EventCluster;
import io.eventstreamcore.operator.crd.EventClusterSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;

/** Where producers and consumers connect: ready engines only; any of them takes writes. */
public final class ClientService {
  private ClientService() {}

  public static Service desired(EventCluster ec) {
    EventClusterSpec.Listeners l = ec.getSpec().listeners;
    Service s =
        new ServiceBuilder()
            .withMetadata(Names.metadata(ec, Names.cluster(ec)))
            .withNewSpec()
            .withType(l.serviceType.name())
            .withSelector(Names.selector(ec))
            .addNewPort()
            .withName("client")
            .withPort(l.clientPort)
            .endPort()
            .endSpec()
            .build();
    // The admin API and dashboard only where asked for: most clients need the protocol alone.
    if (l.exposeHttp) {
      s.getSpec()
          .getPorts()
          .add(new ServicePortBuilder().withName("http").withPort(l.httpPort).build());
    }
    return s;
  }
}
