package io.eventstreamcore.client;

import io.eventstreamcore.protocol.ErrorCode;
import io.eventstreamcore.protocol.MetadataResult;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The nodes a client knows and the connection it uses now. On failure it moves on: to the leader a
 * NOT_LEADER answer named, else to the next bootstrap node. A writer goes to the leader when
 * METADATA names one: any node accepts writes, but a follower has to forward them, which costs a
 * hop and the follower's CPU.
 */
final class Endpoints implements AutoCloseable {
  private final List<String> bootstrap;
  private final boolean preferLeader;
  private int next;
  private String preferred;
  private Connection current;

  /** Whether the node {@link #current} reaches named no leader when it was connected. */
  private boolean currentNamedNoLeader;

  private final ClientSecurity security;

  Endpoints(List<String> bootstrap, boolean preferLeader, ClientSecurity security) {
    this.preferLeader = preferLeader;
    this.security = security;
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
        current = Connection.open(endpoint, security);
        currentNamedNoLeader = false;
        if (preferLeader) {
          current = toLeader(current);
        }
        return current;
      } catch (IOException e) {
        last = e;
      }
    }
    throw new IOException("no node reachable of " + order + ": " + last.getMessage(), last);
  }

  /** True if {@code conn} is the one in use and its node named no leader when it was connected. */
  synchronized boolean namesNoLeader(Connection conn) {
    return conn == current && currentNamedNoLeader;
  }

  /** Leaves the connection in use for the leader another node named. */
  synchronized void useLeader(String leaderEndpoint) {
    preferred = leaderEndpoint;
    if (current != null) {
      current.close();
      current = null;
    }
  }

  /** The connection in use, if one is open. */
  synchronized Connection current() {
    return current != null && current.isOpen() ? current : null;
  }

  List<String> bootstrap() {
    return bootstrap;
  }

  ClientSecurity security() {
    return security;
  }

  /** Gives up {@code stalled} for the leader another node named, if it is still the one in use. */
  synchronized void moveTo(Connection stalled, String leaderEndpoint) {
    if (stalled != current) {
      return;
    }
    preferred = leaderEndpoint;
    stalled.close();
    current = null;
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

  /** The leader's connection if {@code conn} names another node as leader and it answers. */
  private Connection toLeader(Connection conn) {
    try {
      MetadataResult.Member leader = conn.metadata().leader();
      currentNamedNoLeader = leader == null;
      if (leader == null || leader.clientEndpoint().equals(conn.endpoint())) {
        return conn;
      }
      Connection direct = Connection.open(leader.clientEndpoint(), security);
      conn.close();
      return direct;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return conn;
    } catch (Exception e) {
      // No leader known, or it does not answer: this node forwards writes meanwhile.
      return conn;
    }
  }

  @Override
  public synchronized void close() {
    if (current != null) {
      current.close();
    }
  }
}
