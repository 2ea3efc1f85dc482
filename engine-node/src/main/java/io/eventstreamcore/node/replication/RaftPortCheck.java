package io.eventstreamcore.node.replication;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Optional;

/**
 * Refuses to start a node whose Raft port another process holds, with an error that says so.
 *
 * <p>Why not leave it to Ratis: Ratis answers a failed bind with {@code System.exit(1)} from the
 * thread that starts the server, which is Quarkus's main thread during start-up. Quarkus's shutdown
 * hook then waits for that start-up to finish, so the JVM never exits: the node stays half up for
 * good, unready, calling elections it cannot win. Checking the port first turns that into an
 * ordinary start-up failure, and the process exits.
 */
final class RaftPortCheck {
  private RaftPortCheck() {}

  /** Binds and releases {@code port} on {@code host} (all interfaces when empty). */
  static void requireFree(Optional<String> host, int port) throws IOException {
    InetSocketAddress address =
        host.map(h -> new InetSocketAddress(h, port)).orElseGet(() -> new InetSocketAddress(port));
    try (ServerSocket probe = new ServerSocket()) {
      probe.setReuseAddress(true);
      probe.bind(address);
    } catch (IOException e) {
      throw new IOException(
          "the Raft port "
              + address
              + " cannot be bound ("
              + e.getMessage()
              + "): another process holds it, or esc.raft.peers gives this node the wrong port",
          e);
    }
  }
}
