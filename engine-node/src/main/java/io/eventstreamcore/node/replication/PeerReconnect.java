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
 * for the leader's log appenders. A follower whose channel to a restarted peer is still backing off
 * fails to ask that peer for its vote when the leader then dies: measured, that stretched a
 * failover from under a second to twelve. So every {@value #PERIOD_MS} ms, while this node does not
 * lead, each channel in backoff is told to reconnect now (a no-op for healthy channels).
 */
final class PeerReconnect implements Closeable {
  private static final long PERIOD_MS = 100;

  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("esc-raft-reconnect"));

  PeerReconnect(
      RaftServer server, String selfId, Supplier<List<Peer>> peers, BooleanSupplier idleFollower) {
    timer.scheduleWithFixedDelay(
        () -> {
          if (!(server.getServerRpc() instanceof RaftServerRpcWithProxy<?, ?> rpc)) {
            return;
          }
          for (Peer p : peers.get()) {
            // Checked per peer: an election may start at any moment and needs its channels.
            if (!p.id().equals(selfId) && idleFollower.getAsBoolean()) {
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
