package io.eventstreamcore.node.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.thirdparty.io.grpc.ConnectivityState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real Ratis servers on loopback: one peer is down for a while, then starts. */
class PeerChannelsTest {
  private static final RaftPeerId B = RaftPeerId.valueOf("b");

  @TempDir Path dir;

  @Test
  void reachesAPeerThatWasDownAsSoonAsItIsBack() throws Exception {
    try (LoopbackRaftGroup group = new LoopbackRaftGroup(dir, "a", "b");
        PeerChannels channels = new PeerChannels(group.start("a"), "a", group::peers)) {
      await("a's channel to b tried and failed")
          .atMost(Duration.ofSeconds(10))
          .until(() -> state(channels, B) == ConnectivityState.TRANSIENT_FAILURE);

      // The fault under test: b stays down this long, after which gRPC alone would next try b
      // 2-5 s later (its backoff starts at 1 s and grows by 1.6 per failed connect, ±20 %).
      Thread.sleep(6_500);
      long bStarted = System.nanoTime();
      group.start("b");

      await("a's channel to b connected")
          .atMost(Duration.ofSeconds(10))
          .until(() -> state(channels, B) == ConnectivityState.READY);
      assertThat(Duration.ofNanos(System.nanoTime() - bStarted))
          .as("from b's start to a connected channel")
          .isLessThan(Duration.ofMillis(900));
    }
  }

  @Test
  void readsRatisChannelsInThisVersion() throws Exception {
    try (LoopbackRaftGroup group = new LoopbackRaftGroup(dir, "a", "b")) {
      RaftServer a = group.start("a");
      try (PeerChannels channels = new PeerChannels(a, "a", group::peers)) {
        assertThat(channels.channel(B)).isPresent();
        assertThat(channels.channel(RaftPeerId.valueOf("not-a-member"))).isEmpty();
      }
    }
  }

  private static ConnectivityState state(PeerChannels channels, RaftPeerId peer) {
    return channels.channel(peer).orElseThrow().getState(false);
  }
}
