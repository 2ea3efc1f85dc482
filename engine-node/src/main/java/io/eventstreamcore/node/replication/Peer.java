package io.eventstreamcore.node.replication;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.ratis.protocol.RaftPeer;

/**
 * A member of the Raft group: {@code id=host:raft-port[:client-port[:http-port]]} in configuration.
 * Client and HTTP ports default to this node's own, which is what a StatefulSet gives every pod. In
 * the Raft configuration the client and HTTP endpoints travel as the peer's client and admin
 * address, so every node knows them for members added later.
 */
public record Peer(
    String id, String host, int raftPort, int clientPort, int httpPort, boolean https) {

  /** A peer whose HTTP API is plain HTTP. */
  public Peer(String id, String host, int raftPort, int clientPort, int httpPort) {
    this(id, host, raftPort, clientPort, httpPort, false);
  }

  /**
   * The same peer with its HTTP API on TLS or not: a whole cluster serves HTTP one way (esc.tls),
   * so a node gives every peer its own setting.
   */
  public Peer withHttps(boolean tls) {
    return new Peer(id, host, raftPort, clientPort, httpPort, tls);
  }

  public String raftAddress() {
    return host + ":" + raftPort;
  }

  public String clientEndpoint() {
    return host + ":" + clientPort;
  }

  public String httpEndpoint() {
    return (https ? "https://" : "http://") + host + ":" + httpPort;
  }

  public RaftPeer toRaftPeer() {
    return RaftPeer.newBuilder()
        .setId(id)
        .setAddress(raftAddress())
        .setDataStreamAddress(host + ":" + clientPort + ":" + httpPort)
        .build();
  }

  /** The peer a Raft configuration lists; missing endpoints default as in configuration. */
  public static Peer of(RaftPeer peer, int defaultClientPort, int defaultHttpPort) {
    String address = peer.getAddress();
    int colon = address.lastIndexOf(':');
    String[] endpoints =
        peer.getDataStreamAddress() == null
            ? new String[0]
            : peer.getDataStreamAddress().split(":");
    boolean known = endpoints.length == 3;
    return new Peer(
        peer.getId().toString(),
        address.substring(0, colon),
        Integer.parseInt(address.substring(colon + 1)),
        known ? Integer.parseInt(endpoints[1]) : defaultClientPort,
        known ? Integer.parseInt(endpoints[2]) : defaultHttpPort);
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
