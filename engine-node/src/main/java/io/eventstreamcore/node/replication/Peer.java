package io.eventstreamcore.node.replication;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A member of the Raft group as configured: {@code id=host:raft-port[:client-port[:http-port]]}.
 * Client and HTTP ports default to this node's own, which is what a StatefulSet gives every pod.
 */
public record Peer(String id, String host, int raftPort, int clientPort, int httpPort) {

  public String raftAddress() {
    return host + ":" + raftPort;
  }

  public String clientEndpoint() {
    return host + ":" + clientPort;
  }

  public String httpEndpoint() {
    return "http://" + host + ":" + httpPort;
  }

  public static Peer parse(String entry, int defaultClientPort, int defaultHttpPort) {
    int eq = entry.indexOf('=');
    String[] parts = eq < 1 ? new String[0] : entry.substring(eq + 1).trim().split(":");
    if (parts.length < 2 || parts.length > 4 || parts[0].isEmpty()) {
      throw new IllegalArgumentException(
          "peer '" + entry + "' must look like id=host:raft-port[:client-port[:http-port]]");
    }
    try {
      return new Peer(
          entry.substring(0, eq).trim(),
          parts[0],
          port(parts[1]),
          parts.length > 2 ? port(parts[2]) : defaultClientPort,
          parts.length > 3 ? port(parts[3]) : defaultHttpPort);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("peer '" + entry + "' has a port that is not a number");
    }
  }

  private static int port(String s) {
    int p = Integer.parseInt(s.trim());
    if (p < 1 || p > 65535) {
      throw new NumberFormatException();
    }
    return p;
  }

  /** Parses the whole list and checks that ids are unique and that {@code selfId} is in it. */
  public static List<Peer> parseAll(
      List<String> entries, String selfId, int defaultClientPort, int defaultHttpPort) {
    List<Peer> peers = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    for (String e : entries) {
      Peer p = parse(e, defaultClientPort, defaultHttpPort);
      if (!ids.add(p.id())) {
        throw new IllegalArgumentException("peer id '" + p.id() + "' appears twice");
      }
      peers.add(p);
    }
    if (!ids.contains(selfId)) {
      throw new IllegalArgumentException(
          "this node's id '" + selfId + "' is not in esc.raft.peers " + entries);
    }
    return List.copyOf(peers);
  }
}
