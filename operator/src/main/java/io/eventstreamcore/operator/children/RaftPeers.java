package io.eventstreamcore.operator.children;

import java.util.ArrayList;
import java.util.List;

/**
 * The static Raft peer list of an engine StatefulSet. Pods of a StatefulSet have stable DNS names
 * ({@code <cluster>-<ordinal>.<cluster>-peers.<namespace>.svc}), so the list needs no discovery: it
 * follows from the cluster's name, namespace, replica count and Raft port alone.
 */
public final class RaftPeers {
  private RaftPeers() {}

  /** Entries in the engine's {@code esc.raft.peers} format, ordinal order. */
  public static List<String> of(String cluster, String namespace, int replicas, int raftPort) {
    // Even sizes occur while the operator scales between odd ones, one member at a time.
    if (replicas < 1 || replicas > 7) {
      throw new IllegalArgumentException("a group has 1..7 members; got " + replicas);
    }
    List<String> peers = new ArrayList<>(replicas);
    for (int i = 0; i < replicas; i++) {
      peers.add(nodeId(cluster, i) + "=" + podHost(cluster, namespace, i) + ":" + raftPort);
    }
    return peers;
  }

  /** Node ids are the pod names, so status, logs and kubectl agree. */
  public static String nodeId(String cluster, int ordinal) {
    return cluster + "-" + ordinal;
  }

  /**
   * A member as the engine's admin API takes it: {@code id=host:raft-port:client-port:http-port}.
   */
  public static String peer(
      String cluster, String namespace, int ordinal, int raftPort, int clientPort, int httpPort) {
    return nodeId(cluster, ordinal)
        + "="
        + podHost(cluster, namespace, ordinal)
        + ":"
        + raftPort
        + ":"
        + clientPort
        + ":"
        + httpPort;
  }

  static String podHost(String cluster, String namespace, int ordinal) {
    return nodeId(cluster, ordinal) + "." + cluster + "-peers." + namespace + ".svc";
  }
}
