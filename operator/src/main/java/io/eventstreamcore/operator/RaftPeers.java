package io.eventstreamcore.operator;

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
    if (replicas < 1 || replicas > 7 || replicas % 2 == 0) {
      throw new IllegalArgumentException(
          "replicas must be odd and within 1..7 so a quorum is a strict majority; got " + replicas);
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

  static String podHost(String cluster, String namespace, int ordinal) {
    return nodeId(cluster, ordinal) + "." + cluster + "-peers." + namespace + ".svc";
  }
}
