package io.eventstreamcore.e2e;

import io.eventstreamcore.cli.local.LocalNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;

/** Builds specs for single engine-node processes on loopback with free ports. */
final class Nodes {
  private Nodes() {}

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  static LocalNode single(Path dataDir, String... extraProperties) throws IOException {
    int client = freePort();
    int http = freePort();
    int raft = freePort();
    String peer = LocalNode.peerEntry("n1", "127.0.0.1", raft, client, http);
    LocalNode.Spec spec =
        new LocalNode.Spec(
            "n1",
            dataDir,
            "127.0.0.1",
            client,
            http,
            raft,
            List.of(peer),
            List.of(extraProperties));
    return new LocalNode(spec, LocalNode.defaultNodeJar());
  }
}
