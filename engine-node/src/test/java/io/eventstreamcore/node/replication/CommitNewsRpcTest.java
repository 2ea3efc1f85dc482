package io.eventstreamcore.node.replication;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.RaftConfigKeys;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.rpc.RpcType;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.util.TimeDuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Followers learn of each commit right after it, not with the next heartbeat. Heartbeats here come
 * every 2.5 s (half a 5 s minimum election timeout; the first election is quick), and there are no
 * commit-index entries in the log, so only the commit news can bring a follower's apply within the
 * second each entry is given.
 */
class CommitNewsRpcTest {
  private static final int ENTRIES = 10;

  @TempDir Path dir;

  /**
   * Applies nothing but its index, and tells the appenders after each, as EventStateMachine does.
   */
  private static final class Counting extends BaseStateMachine {
    private final CommitNews news;

    Counting(CommitNews news) {
      this.news = news;
    }

    @Override
    protected boolean updateLastAppliedTermIndex(TermIndex applied) {
      boolean moved = super.updateLastAppliedTermIndex(applied);
      if (news != null) {
        news.commitMoved();
      }
      return moved;
    }
  }

  private static void slowHeartbeats(RaftProperties props, RpcType rpc) {
    RaftConfigKeys.Rpc.setType(props, rpc);
    RaftServerConfigKeys.Log.setLogMetadataEnabled(props, false);
    RaftServerConfigKeys.Rpc.setTimeoutMin(props, TimeDuration.valueOf(5, TimeUnit.SECONDS));
    RaftServerConfigKeys.Rpc.setTimeoutMax(props, TimeDuration.valueOf(10, TimeUnit.SECONDS));
    RaftServerConfigKeys.Rpc.setFirstElectionTimeoutMin(
        props, TimeDuration.valueOf(100, TimeUnit.MILLISECONDS));
    RaftServerConfigKeys.Rpc.setFirstElectionTimeoutMax(
        props, TimeDuration.valueOf(200, TimeUnit.MILLISECONDS));
  }

  @Test
  void everyFollowerAppliesEachCommitLongBeforeTheNextHeartbeat() throws Exception {
    try (LoopbackRaftGroup group = new LoopbackRaftGroup(dir, "a", "b", "c")) {
      List<RaftServer> servers = new ArrayList<>();
      for (Peer peer : group.peers()) {
        CommitNews news = new CommitNews();
        Parameters parameters = new Parameters();
        news.into(parameters);
        servers.add(
            group.start(
                peer.id(),
                new Counting(news),
                props -> slowHeartbeats(props, new CommitNewsRpc()),
                parameters));
      }
      RaftProperties clientProps = new RaftProperties();
      try (RaftClient client =
          RaftClient.newBuilder().setProperties(clientProps).setRaftGroup(group.group()).build()) {
        for (int i = 0; i < ENTRIES; i++) {
          RaftClientReply reply = client.io().send(Message.valueOf("entry " + i));
          long index = reply.getLogIndex();
          await("every member applied entry " + i + " at index " + index)
              .atMost(Duration.ofSeconds(1))
              .pollInterval(Duration.ofMillis(5))
              .until(() -> minApplied(servers, group) >= index);
        }
      }
    }
  }

  private static long minApplied(List<RaftServer> servers, LoopbackRaftGroup group)
      throws IOException {
    long min = Long.MAX_VALUE;
    for (RaftServer s : servers) {
      min =
          Math.min(min, s.getDivision(group.group().getGroupId()).getInfo().getLastAppliedIndex());
    }
    return min;
  }
}
