package io.eventstreamcore.node.replication;

import io.eventstreamcore.node.threads.DaemonThreads;
import java.io.Closeable;
import java.io.IOException;
import java.lang.reflect.Field;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerRpcWithProxy;
import org.apache.ratis.thirdparty.io.grpc.ConnectivityState;
import org.apache.ratis.thirdparty.io.grpc.ManagedChannel;
import org.jboss.logging.Logger;

/**
 * Keeps this node's Raft channels to its peers connected, and out of gRPC's reconnect backoff, in
 * every role, so that an election's votes and a new leader's first appends go over a connection
 * that is already open.
 *
 * <p>Why: gRPC backs off exponentially (up to two minutes) after failed connects, and Ratis cuts
 * the backoff short only for a leader's log appenders; a vote request on a channel still backing
 * off fails at once although the peer is back (a failover stretched from under a second to twelve;
 * after two of three nodes were killed, the survivor could not reach the restarted peers for up to
 * 1.3 s). Until this class, followers dropped their channels every 100 ms instead, so every
 * election opened new ones: in {@code esc failover-bench} the pre-vote then reached the other
 * survivor a median 36 ms after the candidate started, against 18 ms over kept channels, and the
 * new leader's first append took longer too (docs/benchmarks.md).
 *
 * <p>Every {@value #PERIOD_MS} ms, for each other peer, it asks the channel to connect if it is
 * idle and resets its backoff if a connect failed, so a peer that returns is reached within about
 * that period. Ratis does not expose the channel, so it is read from a private field of its
 * per-peer client; a Ratis upgrade that renames it fails {@code PeerChannelsTest}, and a node
 * running such a version says so at start and leaves the channels to gRPC.
 */
final class PeerChannels implements Closeable {
  private static final Logger LOG = Logger.getLogger(PeerChannels.class);

  static final long PERIOD_MS = 100;

  /** The channel of Ratis's per-peer server client, or null if this Ratis version has none. */
  private static final Field CHANNEL = channelField();

  private final RaftServer server;
  private final String selfId;
  private final Supplier<List<Peer>> peers;
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("esc-raft-channels"));

  PeerChannels(RaftServer server, String selfId, Supplier<List<Peer>> peers) {
    this.server = server;
    this.selfId = selfId;
    this.peers = peers;
    if (CHANNEL == null) {
      LOG.warn(
          "cannot reach Ratis's peer channels in this version: a peer that was down may be"
              + " unreachable for as long as gRPC's reconnect backoff (up to two minutes)");
      return;
    }
    timer.scheduleWithFixedDelay(this::tend, PERIOD_MS, PERIOD_MS, TimeUnit.MILLISECONDS);
  }

  private void tend() {
    for (Peer p : peers.get()) {
      if (!p.id().equals(selfId)) {
        tend(RaftPeerId.valueOf(p.id()));
      }
    }
  }

  private void tend(RaftPeerId peer) {
    channel(peer)
        .ifPresent(
            c -> {
              if (c.getState(true) == ConnectivityState.TRANSIENT_FAILURE) {
                c.resetConnectBackoff();
              }
            });
  }

  /** The channel to {@code peer}, opened if there is none; empty if the peer is not known. */
  Optional<ManagedChannel> channel(RaftPeerId peer) {
    if (CHANNEL == null || !(server.getServerRpc() instanceof RaftServerRpcWithProxy<?, ?> rpc)) {
      return Optional.empty();
    }
    try {
      return Optional.of((ManagedChannel) CHANNEL.get(rpc.getProxies().getProxy(peer)));
    } catch (IOException | NullPointerException e) {
      // Not (or not yet) in a configuration Ratis applied: its proxy map answers such an id with a
      // NullPointerException. Nothing to keep.
      return Optional.empty();
    } catch (IllegalAccessException e) {
      throw new IllegalStateException("the channel field was made accessible", e);
    }
  }

  private static Field channelField() {
    try {
      Field f =
          Class.forName("org.apache.ratis.grpc.server.GrpcServerProtocolClient")
              .getDeclaredField("channel");
      if (!ManagedChannel.class.isAssignableFrom(f.getType())) {
        return null;
      }
      f.setAccessible(true);
      return f;
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
