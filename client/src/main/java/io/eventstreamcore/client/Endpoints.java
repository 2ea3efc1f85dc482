package io.eventstreamcore.client;

import io.eventstreamcore.protocol.ErrorCode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The nodes a client knows and the connection it uses now. On failure it moves on: to the leader a
 * NOT_LEADER answer named, else to the next bootstrap node.
 */
final class Endpoints implements AutoCloseable {
  private final List<String> bootstrap;
  private int next;
  private String preferred;
  private Connection current;

  Endpoints(List<String> bootstrap) {
    if (bootstrap.isEmpty()) {
      throw new IllegalArgumentException("at least one bootstrap endpoint (host:port) is needed");
    }
    this.bootstrap = List.copyOf(bootstrap);
  }

  synchronized Connection connection() throws IOException {
    if (current != null && current.isOpen()) {
      return current;
    }
    List<String> order = new ArrayList<>();
    if (preferred != null) {
      order.add(preferred);
      preferred = null;
    }
    for (int i = 0; i < bootstrap.size(); i++) {
      order.add(bootstrap.get((next + i) % bootstrap.size()));
    }
    next = (next + 1) % bootstrap.size();
    IOException last = null;
    for (String endpoint : order) {
      try {
        current = Connection.open(endpoint);
        return current;
      } catch (IOException e) {
        last = e;
      }
    }
    throw new IOException("no node reachable of " + order + ": " + last.getMessage(), last);
  }

  synchronized void failed(Connection conn, EscException e) {
    if (conn != current) {
      return;
    }
    if (e.code() == ErrorCode.NOT_LEADER || !conn.isOpen()) {
      if (!e.leaderEndpoint().isEmpty()) {
        preferred = e.leaderEndpoint();
      }
      conn.close();
      current = null;
    }
  }

  @Override
  public synchronized void close() {
    if (current != null) {
      current.close();
    }
  }
}
