package io.eventstreamcore.node.replication;

import io.eventstreamcore.node.config.NodeConfig;
import java.io.File;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.RaftConfigKeys;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.util.SizeInBytes;
import org.apache.ratis.util.TimeDuration;

/** How this node's Raft server is tuned: storage, ports, timeouts, snapshots, log and caches. */
final class RaftServerSettings {
  private RaftServerSettings() {}

  /** Where Raft keeps its log and its state machine's snapshots. */
  static File storageDir(NodeConfig config) {
    return new File(config.node().dataDir(), "raft");
  }

  static RaftProperties of(NodeConfig config, Peer self) {
    NodeConfig.Raft raft = config.raft();
    RaftProperties props = new RaftProperties();
    RaftServerConfigKeys.setStorageDir(props, List.of(storageDir(config)));
    GrpcConfigKeys.Server.setPort(props, self.raftPort());
    // Where the node is told to listen, not every interface: whoever reaches the Raft port can
    // talk to the group (docs/operations.md, Security).
    config.node().bindAddress().ifPresent(host -> GrpcConfigKeys.Server.setHost(props, host));
    RaftServerConfigKeys.Rpc.setTimeoutMin(props, millis(raft.electionTimeoutMin().toMillis()));
    RaftServerConfigKeys.Rpc.setTimeoutMax(props, millis(raft.electionTimeoutMax().toMillis()));
    // A new leader that hears no majority within an election timeout steps down, and Ratis then
    // keeps it out of elections for 10 s. If its log is the longest, no one else can win meanwhile:
    // on a busy host that cost 10 s of no leader after a kill (ThreeNodeFailoverIT). Pre-vote
    // already keeps a node cut off from the majority from disrupting it.
    RaftServerConfigKeys.LeaderElection.setLeaderStepDownWaitTime(
        props, millis(raft.electionTimeoutMax().toMillis()));
    RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(props, true);
    RaftServerConfigKeys.Snapshot.setAutoTriggerThreshold(props, raft.snapshotThreshold());
    RaftServerConfigKeys.Snapshot.setRetentionFileNum(props, 2);
    RaftServerConfigKeys.Log.setPurgeUptoSnapshotIndex(props, true);
    // Every snapshot purges the log below it: a start reads every segment left on disk, and with
    // a gap counted in entries (Ratis's default 1,024) big batches left up to 650 MB of log
    // behind a snapshot taken by size. A follower behind the purged log copies from the leader.
    RaftServerConfigKeys.Log.setPurgeGap(props, 1);
    // A follower behind the purged log is not streamed a snapshot by Ratis: it is told to catch up
    // and copies the records it lacks from the leader's store (EventStateMachine).
    RaftServerConfigKeys.Log.Appender.setInstallSnapshotEnabled(props, false);
    // Ratis waits 1 s, then 5 s, between attempts to reach a follower that keeps failing; a
    // follower restarted after 20 s down then went unheard for up to 9 s, failed elections in a
    // loop meanwhile and was still 6,000 entries behind when the leader died (ThreeNodeFailoverIT).
    // A quarter second between attempts (the default of esc.raft.appender-retry-policy) costs a
    // dead peer's refused connects, nothing more.
    RaftServerConfigKeys.Log.Appender.setRetryPolicy(props, raft.appenderRetryPolicy());
    RaftServerConfigKeys.Log.setSegmentSizeMax(props, SizeInBytes.valueOf(raft.logSegmentSize()));
    RaftServerConfigKeys.Log.setUnsafeFlushEnabled(props, raft.unsafeFlush());
    // A follower appends each batch to its log as it arrives, so its log worker writes and fsyncs
    // whatever has queued meanwhile at once (ADR 0028).
    RaftServerConfigKeys.Log.setAppendEntriesComposeEnabled(props, raft.followerAppendChain());
    // Ratis records each new commit index in a log entry of its own: one more entry to replicate
    // and fsync for every entry committed, but a restarted node can replay its log before it
    // hears a leader (ADR 0034).
    RaftServerConfigKeys.Log.setLogMetadataEnabled(props, raft.logMetadata());
    if (!raft.logMetadata()) {
      // Without those entries nothing tells a follower of a commit until the next heartbeat:
      // gRPC with appenders that send the news at once (CommitNewsRpc, ADR 0034). With them the
      // entry carries it, and the appenders are Ratis's own, which an apply never wakes.
      RaftConfigKeys.Rpc.setType(props, new CommitNewsRpc());
    }
    // Ratis's defaults cache up to 200 MB of log and queue 64 MB of writes: bound them so a
    // node fits a small heap (docs/operations.md gives the heap we run with).
    RaftServerConfigKeys.Log.setSegmentCacheNumMax(props, raft.logCacheSegments());
    RaftServerConfigKeys.Log.setSegmentCacheSizeMax(
        props, SizeInBytes.valueOf(raft.logCacheSize()));
    RaftServerConfigKeys.Log.setQueueByteLimit(props, SizeInBytes.valueOf(raft.logQueueSize()));
    RaftServerConfigKeys.Write.setByteLimit(props, SizeInBytes.valueOf(raft.writeQueueSize()));

    return props;
  }

  private static TimeDuration millis(long ms) {
    return TimeDuration.valueOf(ms, TimeUnit.MILLISECONDS);
  }
}
