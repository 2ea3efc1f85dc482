package io.eventstreamcore.node.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.thirdparty.io.grpc.ConnectivityState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real Ratis servers on loopback: one peer is down for a while, then starts. */
class PeerChannelsTest {
  @TempDir Path dir;

  private final List<RaftServer> started = new ArrayList<>();

  @AfterEach
  void stop() throws IOException {
    for (RaftServer s : started) {
      s.close();
    }
  }

  @Test
  void reachesAPeerThatWasDownAsSoonAsItIsBack() throws Exception {
    List<Peer> peers =
        List.of(
            new Peer("a", "127.0.0.1", freeLoopbackPort(), 0, 0),
            new Peer("b", "127.0.0.1", freeLoopbackPort(), 0, 0));
    RaftGroup group =
        RaftGroup.valueOf(RaftGroupId.randomId(), peers.stream().map(Peer::toRaftPeer).toList());
    RaftServer a = start(peers.get(0), group);
    RaftPeerId b = RaftPeerId.valueOf("b");
    try (PeerChannels channels = new PeerChannels(a, "a", () -> peers)) {
      await("a's channel to b tried and failed")
          .atMost(Duration.ofSeconds(10))
          .until(() -> state(channels, b) == ConnectivityState.TRANSIENT_FAILURE);

      // b stays down for this long: by then gRPC alone would next try b 2-5 s later (its backoff
      // starts at 1 s and grows by 1.6 per failed connect, ±20 %).
      Thread.sleep(6_500);
      long bStarted = System.nanoTime();
      start(peers.get(1), group);

      await("a's channel to b connected")
          .atMost(Duration.ofSeconds(10))
          .until(() -> state(channels, b) == ConnectivityState.READY);
      assertThat(Duration.ofNanos(System.nanoTime() - bStarted))
          .as("from b's start to a connected channel")
          .isLessThan(Duration.ofMillis(900));
    }
  }

  @Test
  void readsRatisChannelsInThisVersion() throws Exception {
    List<Peer> peers =
        List.of(
            new Peer("a", "127.0.0.1", freeLoopbackPort(), 0, 0),
            new Peer("b", "127.0.0.1", freeLoopbackPort(), 0, 0));
    RaftGroup group =
        RaftGroup.valueOf(RaftGroupId.randomId(), peers.stream().map(Peer::toRaftPeer).toList());
    RaftServer a = start(peers.get(0), group);
    try (PeerChannels channels = new PeerChannels(a, "a", () -> peers)) {
      assertThat(channels.channel(RaftPeerId.valueOf("b"))).isPresent();
      assertThat(channels.channel(RaftPeerId.valueOf("not-a-member"))).isEmpty();
    }
  }

  private static ConnectivityState state(PeerChannels channels, RaftPeerId peer) {
    return channels.channel(peer).orElseThrow().getState(false);
  }

  private RaftServer start(Peer peer, RaftGroup group) throws IOException {
    RaftProperties props = new RaftProperties();
    RaftServerConfigKeys.setStorageDir(props, List.of(dir.resolve(peer.id()).toFile()));
    GrpcConfigKeys.Server.setHost(props, "127.0.0.1");
    GrpcConfigKeys.Server.setPort(props, peer.raftPort());
    RaftServer server =
        RaftServer.newBuilder()
            .setServerId(RaftPeerId.valueOf(peer.id()))
            .setGroup(group)
            .setStateMachine(new BaseStateMachine())
            .setProperties(props)
            .setOption(RaftStorage.StartupOption.FORMAT)
            .build();
    started.add(server);
    server.start();
    return server;
  }

  private static int freeLoopbackPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
