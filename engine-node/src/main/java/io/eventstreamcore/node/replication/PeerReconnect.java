package io.eventstreamcore.node.replication;

import io.eventstreamcore.node.threads.DaemonThreads;
import java.io.Closeable;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerRpcWithProxy;

/**
 * Keeps gRPC from waiting out its reconnect backoff to a peer that was down. gRPC backs off
 * exponentially (up to two minutes) after failed connects, and Ratis cuts the backoff short only
 * for the leader's log appenders; a vote request on a channel still backing off fails at once
 * (UNAVAILABLE) although the peer is back. Measured: a follower's stale channel stretched a
 * failover from under a second to twelve, and after two of three nodes were killed the survivor
 * could not reach either restarted peer for up to 1.3 s after their Raft servers started, so the
 * election waited for both restarted nodes instead of the first. So every {@value #PERIOD_MS} ms,
 * while this node is a follower, with or without a leader, it drops its channels to the other
 * peers; a follower sends nothing on them, and its next election opens fresh ones. A candidate's
 * channels are left alone: dropping one would fail the vote it carries.
 */
final class PeerReconnect implements Closeable {
  private static final long PERIOD_MS = 100;

  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("esc-raft-reconnect"));

  PeerReconnect(
      RaftServer server, String selfId, Supplier<List<Peer>> peers, BooleanSupplier follower) {
    timer.scheduleWithFixedDelay(
        () -> {
          if (!(server.getServerRpc() instanceof RaftServerRpcWithProxy<?, ?> rpc)) {
            return;
          }
          for (Peer p : peers.get()) {
            // Checked per peer: an election may start at any moment and needs its channels.
            if (!p.id().equals(selfId) && follower.getAsBoolean()) {
              rpc.getProxies().resetProxy(RaftPeerId.valueOf(p.id()));
            }
          }
        },
        PERIOD_MS,
        PERIOD_MS,
        TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
