package io.eventstreamcore.node.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.exceptions.NotLeaderException;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real two-member Ratis group on loopback: leadership leaves the node and comes back. */
class OwnBatchClientTest {
  @TempDir Path dir;

  private final List<RaftServer> servers = new ArrayList<>();
  private RaftGroup group;

  @AfterEach
  void stop() throws IOException {
    for (RaftServer s : servers) {
      s.close();
    }
  }

  @Test
  void takesBatchesAgainWhenTheNodeLeadsAfterItsStreamFailed() throws Exception {
    startGroup("a", "b");
    RaftPeerId self = RaftPeerId.valueOf("a");
    moveLeadershipTo(self);
    try (OwnBatchClient batches =
        new OwnBatchClient(
            () ->
                RaftClient.newBuilder()
                    .setProperties(new RaftProperties())
                    .setRaftGroup(group)
                    .setLeaderId(self)
                    .setRetryPolicy(RetryPolicies.noRetry())
                    .build())) {
      assertThat(commit(batches, "while leading").isSuccess()).isTrue();

      moveLeadershipTo(RaftPeerId.valueOf("b"));
      // The server may first close the stream it served as leader (AlreadyClosed); on the client
      // that replaces it, a follower's NotLeader answer is what closes the stream.
      List<Throwable> refusals = new ArrayList<>();
      while (refusals.stream().noneMatch(e -> e.getCause() instanceof NotLeaderException)) {
        assertThat(refusals).as("refusals before a NotLeader answer").hasSizeLessThan(3);
        refusals.add(catchThrowable(() -> commit(batches, "after stepping down")));
        assertThat(refusals.get(refusals.size() - 1)).isInstanceOf(ExecutionException.class);
      }

      moveLeadershipTo(self);
      assertThat(commit(batches, "leading again").isSuccess())
          .as("the first batch of the node's next term")
          .isTrue();
    }
  }

  private static RaftClientReply commit(OwnBatchClient batches, String batch) throws Exception {
    return batches.submit(batch.getBytes(StandardCharsets.UTF_8)).get(30, TimeUnit.SECONDS);
  }

  private void startGroup(String... ids) throws IOException {
    List<RaftPeer> peers = new ArrayList<>();
    for (String id : ids) {
      peers.add(
          RaftPeer.newBuilder().setId(id).setAddress("127.0.0.1:" + freeLoopbackPort()).build());
    }
    group = RaftGroup.valueOf(RaftGroupId.randomId(), peers);
    for (RaftPeer peer : peers) {
      RaftProperties props = new RaftProperties();
      RaftServerConfigKeys.setStorageDir(
          props, List.of(dir.resolve(peer.getId().toString()).toFile()));
      GrpcConfigKeys.Server.setHost(props, "127.0.0.1");
      GrpcConfigKeys.Server.setPort(props, Integer.parseInt(peer.getAddress().split(":")[1]));
      RaftServer server =
          RaftServer.newBuilder()
              .setServerId(peer.getId())
              .setGroup(group)
              .setStateMachine(new BaseStateMachine())
              .setProperties(props)
              .setOption(RaftStorage.StartupOption.FORMAT)
              .build();
      servers.add(server);
      server.start();
    }
  }

  private void moveLeadershipTo(RaftPeerId target) {
    await("leadership moved to " + target)
        .atMost(Duration.ofSeconds(60))
        .ignoreExceptionsInstanceOf(ExecutionException.class)
        .until(
            () -> {
              try (RaftClient admin =
                  RaftClient.newBuilder()
                      .setProperties(new RaftProperties())
                      .setRaftGroup(group)
                      .build()) {
                if (!leads(target)) {
                  admin.admin().transferLeadership(target, 5_000);
                }
              } catch (IOException e) {
                // No leader yet, or a transfer that did not finish: ask again.
              }
              return leads(target);
            });
  }

  private boolean leads(RaftPeerId id) throws IOException {
    for (RaftServer s : servers) {
      if (s.getId().equals(id)) {
        var info = s.getDivision(group.getGroupId()).getInfo();
        return info.isLeader() && info.isLeaderReady();
      }
    }
    return false;
  }

  private static int freeLoopbackPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
