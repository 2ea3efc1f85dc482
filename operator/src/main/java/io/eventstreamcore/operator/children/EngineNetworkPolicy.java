package io.eventstreamcore.operator.children;

import io.eventstreamcore.operator.crd.EventCluster;
import io.eventstreamcore.operator.crd.EventClusterSpec.Listeners;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPortBuilder;

/**
 * Who may reach the engine pods: clients their client and HTTP ports; the Raft and Hazelcast ports
 * only the cluster's own pods. Whoever reaches the Raft port can append to the log and whoever
 * reaches Hazelcast can change the dedup table, so those must not be open to the namespace, let
 * alone the cluster. Takes effect where the network plugin enforces policies.
 */
public final class EngineNetworkPolicy {
  private EngineNetworkPolicy() {}

  public static NetworkPolicy desired(EventCluster ec) {
    Listeners l = ec.getSpec().listeners;
    return new NetworkPolicyBuilder()
        .withMetadata(Names.metadata(ec, Names.cluster(ec)))
        .withNewSpec()
        .withNewPodSelector()
        .withMatchLabels(Names.selector(ec))
        .endPodSelector()
        .withPolicyTypes("Ingress")
        .addNewIngress()
        .withPorts(tcp(l.clientPort), tcp(l.httpPort))
        .endIngress()
        .addNewIngress()
        .withPorts(tcp(l.raftPort), tcp(l.raftPort + PeerService.DEDUP_PORT_OFFSET))
        .addNewFrom()
        .withNewPodSelector()
        .withMatchLabels(Names.selector(ec))
        .endPodSelector()
        .endFrom()
        .endIngress()
        .endSpec()
        .build();
  }

  private static NetworkPolicyPort tcp(int port) {
    return new NetworkPolicyPortBuilder()
        .withProtocol("TCP")
        .withPort(new IntOrString(port))
        .build();
  }
}
