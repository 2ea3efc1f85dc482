package io.eventstreamcore.node.replication;

import io.eventstreamcore.node.config.NodeConfig;
import io.eventstreamcore.protocol.NodeRole;
import java.io.Closeable;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.exceptions.AlreadyClosedException;
import org.apache.ratis.protocol.exceptions.RaftRetryFailureException;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.server.DivisionInfo;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.SizeInBytes;
import org.apache.ratis.util.TimeDuration;
import org.jboss.logging.Logger;

/**
 * This node's Raft server and the client through which its batches are submitted. The same code
 * runs a group of one or of seven: the group is whatever {@code esc.raft.peers} lists.
 */
public final class RaftNode implements Closeable {
  private static final Logger LOG = Logger.getLogger(RaftNode.class);

  private final RaftServer server;
  private final RaftProperties clientProps;
  private volatile RaftClient client;
  private final RaftGroup group;
  private final List<Peer> peers;
  private final String selfId;

  public RaftNode(NodeConfig config, List<Peer> peers, EventStateMachine stateMachine)
      throws IOException {
    this.peers = peers;
    this.selfId = config.node().id();
    NodeConfig.Raft raft = config.raft();
    RaftGroupId groupId =
        RaftGroupId.valueOf(
            UUID.nameUUIDFromBytes(raft.clusterName().getBytes(StandardCharsets.UTF_8)));
    this.group =
        RaftGroup.valueOf(
            groupId,
            peers.stream()
                .map(p -> RaftPeer.newBuilder().setId(p.id()).setAddress(p.raftAddress()).build())
                .toList());
    Peer self = peers.stream().filter(p -> p.id().equals(selfId)).findFirst().orElseThrow();

    RaftProperties props = new RaftProperties();
    File raftDir = new File(config.node().dataDir(), "raft");
    RaftServerConfigKeys.setStorageDir(props, List.of(raftDir));
    GrpcConfigKeys.Server.setPort(props, self.raftPort());
    RaftServerConfigKeys.Rpc.setTimeoutMin(props, millis(raft.electionTimeoutMin().toMillis()));
    RaftServerConfigKeys.Rpc.setTimeoutMax(props, millis(raft.electionTimeoutMax().toMillis()));
    RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(props, true);
    RaftServerConfigKeys.Snapshot.setAutoTriggerThreshold(props, raft.snapshotThreshold());
    RaftServerConfigKeys.Snapshot.setRetentionFileNum(props, 2);
    RaftServerConfigKeys.Log.setPurgeUptoSnapshotIndex(props, true);
    RaftServerConfigKeys.Log.setPurgeGap(props, (int) Math.min(1024, raft.snapshotThreshold()));
    // A follower behind the purged log is not streamed a snapshot by Ratis: it is told to catch up
    // and copies the records it lacks from the leader's store (EventStateMachine).
    RaftServerConfigKeys.Log.Appender.setInstallSnapshotEnabled(props, false);
    RaftServerConfigKeys.Log.setSegmentSizeMax(props, SizeInBytes.valueOf(raft.logSegmentSize()));
    RaftServerConfigKeys.Log.setUnsafeFlushEnabled(props, raft.unsafeFlush());
    // Ratis's defaults cache up to 200 MB of log and queue 64 MB of writes: bound them so a
    // node fits a small heap (docs/operations.md gives the heap we run with).
    RaftServerConfigKeys.Log.setSegmentCacheNumMax(props, 2);
    RaftServerConfigKeys.Log.setSegmentCacheSizeMax(props, SizeInBytes.valueOf("32MB"));
    RaftServerConfigKeys.Log.setQueueByteLimit(props, SizeInBytes.valueOf("16MB"));
    RaftServerConfigKeys.Write.setByteLimit(props, SizeInBytes.valueOf("16MB"));

    this.server =
        RaftServer.newBuilder()
            .setServerId(RaftPeerId.valueOf(selfId))
            .setGroup(group)
            .setStateMachine(stateMachine)
            .setProperties(props)
            .setOption(RaftStorage.StartupOption.RECOVER)
            .build();

    this.clientProps = new RaftProperties();
    RaftClientConfigKeys.Rpc.setRequestTimeout(
        clientProps, millis(config.node().produceTimeout().toMillis()));
    this.client = newClient();
  }

  /**
   * The client through which this node submits batches, to itself when it leads, else to the
   * leader. It retries through an election (NotLeader, LeaderNotReady) for about 5 s.
   */
  private RaftClient newClient() {
    return RaftClient.newBuilder()
        .setProperties(clientProps)
        .setRaftGroup(group)
        .setClientId(ClientId.randomId())
        .setLeaderId(RaftPeerId.valueOf(selfId))
        .setRetryPolicy(
            RetryPolicies.retryUpToMaximumCountWithFixedSleep(
                100, TimeDuration.valueOf(50, TimeUnit.MILLISECONDS)))
        .build();
  }

  private static TimeDuration millis(long ms) {
    return TimeDuration.valueOf(ms, TimeUnit.MILLISECONDS);
  }

  public void start() throws IOException {
    server.start();
  }

  /** Replicates one batch; completes once it is committed on a quorum and applied. */
  public CompletableFuture<RaftClientReply> submit(byte[] batch) {
    RaftClient used = client;
    return used.async()
        .send(Message.valueOf(ByteString.copyFrom(batch)))
        .whenComplete(
            (reply, error) -> {
              if (error != null && breaksTheClient(error)) {
                replaceClient(used);
              }
            });
  }

  /**
   * Ratis's ordered async client stops serving once one request has run out of retries; every later
   * request would fail too, so such a client is replaced.
   */
  private static boolean breaksTheClient(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof RaftRetryFailureException || t instanceof AlreadyClosedException) {
        return true;
      }
    }
    return false;
  }

  private synchronized void replaceClient(RaftClient broken) {
    if (client != broken) {
      return;
    }
    client = newClient();
    LOG.warn("Raft client ran out of retries; replaced it");
    try {
      broken.close();
    } catch (IOException e) {
      LOG.debug("closing the replaced Raft client", e);
    }
  }

  private Optional<DivisionInfo> info() {
    try {
      return Optional.of(server.getDivision(group.getGroupId()).getInfo());
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  public String selfId() {
    return selfId;
  }

  public List<Peer> peers() {
    return peers;
  }

  public NodeRole role() {
    return info()
        .map(
            i ->
                i.isLeader()
                    ? NodeRole.LEADER
                    : i.isFollower()
                        ? NodeRole.FOLLOWER
                        : i.isCandidate() ? NodeRole.CANDIDATE : NodeRole.UNKNOWN)
        .orElse(NodeRole.UNKNOWN);
  }

  /** The leader's id, or empty while there is none known. */
  public String leaderId() {
    return info().map(DivisionInfo::getLeaderId).map(RaftPeerId::toString).orElse("");
  }

  public boolean isLeaderReady() {
    return info().map(DivisionInfo::isLeaderReady).orElse(false);
  }

  public long term() {
    return info().map(DivisionInfo::getCurrentTerm).orElse(0L);
  }

  public long commitIndex() {
    try {
      return server.getDivision(group.getGroupId()).getRaftLog().getLastCommittedIndex();
    } catch (IOException e) {
      return -1;
    }
  }

  public long appliedIndex() {
    return info().map(DivisionInfo::getLastAppliedIndex).orElse(-1L);
  }

  public boolean isAlive() {
    return info().map(DivisionInfo::isAlive).orElse(false);
  }

  public Optional<Peer> leader() {
    String id = leaderId();
    return peers.stream().filter(p -> p.id().equals(id)).findFirst();
  }

  @Override
  public void close() throws IOException {
    client.close();
    server.close();
  }
}
