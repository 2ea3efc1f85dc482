package io.eventstreamcore.node.replication;

import java.util.concurrent.CompletableFuture;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.grpc.GrpcFactory;
import org.apache.ratis.grpc.server.GrpcLogAppender;
import org.apache.ratis.proto.RaftProtos.AppendEntriesRequestProto;
import org.apache.ratis.rpc.RpcFactory;
import org.apache.ratis.rpc.RpcType;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.leader.FollowerInfo;
import org.apache.ratis.server.leader.LeaderState;
import org.apache.ratis.server.leader.LogAppender;
import org.apache.ratis.server.raftlog.RaftLog;
import org.apache.ratis.server.raftlog.RaftLogIOException;
import org.apache.ratis.util.LifeCycle;

/**
 * Ratis's gRPC transport, with log appenders that send a follower a heartbeat as soon as the
 * leader's commit index passes what the follower knows, when there is no entry to carry it.
 *
 * <p>Why: a follower learns of a commit only from the leader's next message. Ratis's commit-index
 * entries used to be that message, sent right after each commit, at the price of one more entry to
 * replicate and fsync per entry committed; they are off (ADR 0034). Ratis's appender loop does ask
 * to send when a follower's commit is behind, but its request builder sends nothing unless there
 * are entries or the heartbeat interval (half the minimum election timeout) has passed. An empty
 * append costs the follower no write and no fsync.
 *
 * <p>Ratis picks its transport by name from {@code raft.rpc.type} and makes it by reflection, so
 * this class is public with a public no-argument constructor.
 */
public final class CommitNewsRpc implements RpcType {
  @Override
  public String name() {
    return CommitNewsRpc.class.getName();
  }

  @Override
  public RpcFactory newFactory(Parameters parameters) {
    return new Factory(parameters);
  }

  private static final class Factory extends GrpcFactory {
    private final CommitNews news;

    Factory(Parameters parameters) {
      super(parameters);
      this.news = CommitNews.in(parameters);
    }

    @Override
    public LogAppender newLogAppender(
        RaftServer.Division server, LeaderState state, FollowerInfo follower) {
      return new Appender(server, state, follower, news);
    }
  }

  /** One follower's appender; touched under its own lock by its own loop, as Ratis's is. */
  static final class Appender extends GrpcLogAppender {
    private final CommitNews news;
    private long toldCommit = RaftLog.INVALID_LOG_INDEX;

    Appender(
        RaftServer.Division server, LeaderState state, FollowerInfo follower, CommitNews news) {
      super(server, state, follower);
      this.news = news;
      if (news != null) {
        news.register(this);
      }
    }

    @Override
    public AppendEntriesRequestProto newAppendEntriesRequest(long callId, boolean heartbeat)
        throws RaftLogIOException {
      return super.newAppendEntriesRequest(callId, heartbeat || commitNewsOnly());
    }

    /**
     * True when the follower has every entry and no append to it is unanswered, but the commit
     * index it knows is behind the leader's, which it has not yet been told: once per commit index.
     */
    private boolean commitNewsOnly() {
      long commit = getRaftLog().getLastCommittedIndex();
      FollowerInfo follower = getFollower();
      if (commit <= toldCommit
          || commit <= follower.getCommitIndex()
          || follower.getNextIndex() != getRaftLog().getNextIndex()
          || hasPendingDataRequests()) {
        return false;
      }
      toldCommit = commit;
      return true;
    }

    @Override
    public CompletableFuture<LifeCycle.State> stopAsync() {
      if (news != null) {
        news.unregister(this);
      }
      return super.stopAsync();
    }
  }
}
