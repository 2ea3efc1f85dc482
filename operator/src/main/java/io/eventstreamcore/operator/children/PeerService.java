package io.eventstreamcore.operator.children;

import io.eventstreamcore.operator.crd.EventCluster;
import io.eventstreamcore.operator.crd.EventClusterSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;

/**
 * The headless Service behind the pods' stable DNS names. It publishes pods before they are ready:
 * members must find each other to form the quorum that makes them ready.
 */
public final class PeerService {
  /** The engine's Hazelcast member listens this far above its Raft port. */
  static final int DEDUP_PORT_OFFSET = 100;

  private PeerService() {}

  public static Service desired(EventCluster ec) {
    EventClusterSpec.Listeners l = ec.getSpec().listeners;
    return new ServiceBuilder()
        .withMetadata(Names.metadata(ec, Names.peers(ec)))
        .withNewSpec()
        .withClusterIP("None")
        .withPublishNotReadyAddresses(true)
        .withSelector(Names.selector(ec))
        .addNewPort()
        .withName("raft")
        .withPort(l.raftPort)
        .endPort()
        .addNewPort()
        .withName("dedup")
        .withPort(l.raftPort + DEDUP_PORT_OFFSET)
        .endPort()
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
