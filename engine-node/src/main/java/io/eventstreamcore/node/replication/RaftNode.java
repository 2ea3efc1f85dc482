package io.eventstreamcore.node.replication;

import io.eventstreamcore.node.config.NodeConfig;
import io.eventstreamcore.node.security.NodeTls;
import io.eventstreamcore.node.security.PeerHttp;
import io.eventstreamcore.protocol.NodeRole;
import java.io.Closeable;
import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.proto.RaftProtos.CommitInfoProto;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.proto.RaftProtos.ServerRpcProto;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.retry.RetryPolicy;
import org.apache.ratis.server.DivisionInfo;
import org.apache.ratis.server.RaftConfiguration;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.raftlog.RaftLog;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.TimeDuration;
import org.jboss.logging.Logger;

/**
 * This node's Raft server and the client through which its batches and membership changes are
 * submitted. The same code runs a group of one or of seven: the group starts as whatever {@code
 * esc.raft.peers} lists and then changes only through {@link RaftMembership}.
 *
 * <p>Why it is longer than our ~400 lines: it is the one owner of the Ratis server, which it may
 * rebuild ({@link #resetFoundingLog}, {@link #restartInPlace}), so every read of the server's state
 * (role, indexes, members with their progress) goes through it, each a few lines. Tuning lives in
 * {@link RaftServerSettings} and membership changes in {@link RaftMembership}.
 */
public final class RaftNode implements Closeable {
  private static final Logger LOG = Logger.getLogger(RaftNode.class);

  /**
   * How long a follower waits to apply a write it passed on before it answers anyway: the leader's
   * next message (its commit-index entry, or {@link CommitNewsRpc}'s empty append) tells it of the
   * commit within a round trip unless it is cut off.
   */
  static final long APPLIED_WAIT_MILLIS = 1_000;

  private volatile RaftServer server;
  private volatile EventStateMachine stateMachine;
  private volatile LeaderRequests leaderRequests = LeaderRequests.NOT_YET;
  private final Supplier<EventStateMachine> stateMachines;
  private final RaftProperties serverProps;
  private final RaftGroup startGroup;
  private final File raftStorage;
  private final RaftProperties clientProps;
  private final RaftClient client;
  private final OwnBatchClient ownBatches;
  private final RaftGroup group;
  private final List<Peer> configuredPeers;
  private final String selfId;
  private final Peer self;
  private final RaftMembership membership;
  private final PeerHttp peerHttp;
  private final Parameters rpcParameters;
  private final CommitNews commitNews = new CommitNews();
  private PeerChannels peerChannels;

  /** Where the leader-path warm-up runs, or null when it is off or has been started. */
  private File warmupParent;

  /** Whether the leader-path warm-up has finished, was skipped, or is off. */
  private volatile BooleanSupplier leaderPathWarm = () -> true;

  /** Entries a follower may have left to apply and count as caught up (readiness's bound). */
  private final long caughtUpLag;

  public RaftNode(
      NodeConfig config,
      List<Peer> peers,
      Supplier<EventStateMachine> stateMachines,
      PeerHttp peerHttp,
      Optional<NodeTls> tls)
      throws IOException {
    this.peerHttp = peerHttp;
    this.stateMachines = stateMachines;
    // Without TLS, Ratis runs with empty parameters: plain gRPC, as before.
    this.rpcParameters = tls.map(NodeTls::raftParameters).orElseGet(Parameters::new);
    commitNews.into(rpcParameters);
    this.configuredPeers = peers;
    this.selfId = config.node().id();
    this.caughtUpLag = config.health().maxApplyLag();
    this.membership = new RaftMembership(this, caughtUpLag);
    NodeConfig.Raft raft = config.raft();
    RaftGroupId groupId =
        RaftGroupId.valueOf(
            UUID.nameUUIDFromBytes(raft.clusterName().getBytes(StandardCharsets.UTF_8)));
    this.group = RaftGroup.valueOf(groupId, peers.stream().map(Peer::toRaftPeer).toList());
    this.self = peers.stream().filter(p -> p.id().equals(selfId)).findFirst().orElseThrow();

    RaftProperties props = RaftServerSettings.of(config, self);
    File raftDir = RaftServerSettings.storageDir(config);
    boolean joins = joins(raft);
    if (!joins && !new File(raftDir, groupId.getUuid().toString()).exists()) {
      joins = joinsInsteadOfFounding(raft, peers, raftDir);
    }
    // A joining node starts outside any configuration; the leader adds it (addLearner).
    this.startGroup = joins ? RaftGroup.valueOf(groupId) : founders(raft, groupId, peers);
    this.serverProps = props;
    this.warmupParent = raft.leaderWarmup() ? new File(config.node().dataDir()) : null;
    this.raftStorage = new File(new File(raftDir, groupId.getUuid().toString()), "current");
    RaftPortCheck.requireFree(
        Optional.ofNullable(GrpcConfigKeys.Server.host(props)), GrpcConfigKeys.Server.port(props));
    this.server = newServer();

    this.clientProps = new RaftProperties();
    RaftClientConfigKeys.Rpc.setRequestTimeout(
        clientProps, millis(config.node().produceTimeout().toMillis()));
    this.client =
        newClient(
            new ForwardRetry(
                () -> !leaderId().isEmpty(),
                LEADERLESS_ELECTION_TIMEOUTS * raft.electionTimeoutMax().toNanos(),
                System::nanoTime));
    this.ownBatches = new OwnBatchClient(() -> server, groupId, RaftPeerId.valueOf(selfId));
  }

  /**
   * A follower's forwards stop retrying once it has known no leader for this many of the longest
   * election timeouts: elections that failed that often wait for a node to come back.
   */
  private static final int LEADERLESS_ELECTION_TIMEOUTS = 4;

  /**
   * A client that starts at this node. {@link #client} follows NotLeader answers to the leader:
   * followers forward writes through it, and membership changes go through it. {@link #ownBatches}
   * hands the batches this node admitted while it led to its own server, once: their events were
   * admitted against this term's dedup view, and a batch that reached the log in a later term (this
   * node's next one included, after a LeaderNotReady answer) could store a producer's retry a
   * second time. Such a batch fails retryably instead.
   */
  private RaftClient newClient(RetryPolicy retries) {
    return RaftClient.newBuilder()
        .setProperties(clientProps)
        .setParameters(rpcParameters)
        .setRaftGroup(group)
        .setClientId(ClientId.randomId())
        .setLeaderId(RaftPeerId.valueOf(selfId))
        .setRetryPolicy(retries)
        .build();
  }

  /**
   * A founding member with no Raft storage: it joins a group that runs without it, and never founds
   * a group that has already formed (the operator says so) or that counts it as a member that
   * acknowledged entries: its empty log would vote as the one it lost.
   */
  private boolean joinsInsteadOfFounding(NodeConfig.Raft raft, List<Peer> peers, File raftDir)
      throws LostLogException {
    ExistingGroup.Finding group =
        ExistingGroup.look(
            selfId, peers.stream().filter(p -> !p.id().equals(selfId)).toList(), peerHttp);
    if (group.seen() == ExistingGroup.Seen.RUNS_WITHOUT_SELF) {
      LOG.warnf(
          "no Raft storage here and group %s runs without this node: joining it as a new member,"
              + " to be added through the admin API",
          raft.clusterName());
      return true;
    }
    if (raft.formed() || group.selfMatchIndex() > 0) {
      throw new LostLogException(
          "no Raft storage in "
              + raftDir
              + " but group "
              + raft.clusterName()
              + " has formed"
              + (group.selfMatchIndex() > 0
                  ? " and its leader has this member at log index " + group.selfMatchIndex()
                  : " (esc.raft.formed)")
              + "; this member lost its log and must be removed and added again");
    }
    return false;
  }

  private boolean joins(NodeConfig.Raft raft) {
    return raft.join() || raft.bootstrapMembers().map(m -> !m.contains(selfId)).orElse(false);
  }

  /** The group a founding member formats its storage with: the bootstrap members, or all. */
  private static RaftGroup founders(NodeConfig.Raft raft, RaftGroupId groupId, List<Peer> peers) {
    return RaftGroup.valueOf(
        groupId,
        peers.stream()
            .filter(p -> raft.bootstrapMembers().map(m -> m.contains(p.id())).orElse(true))
            .map(Peer::toRaftPeer)
            .toList());
  }

  private static TimeDuration millis(long ms) {
    return TimeDuration.valueOf(ms, TimeUnit.MILLISECONDS);
  }

  /** A Raft server over this node's storage, with a state machine of its own. */
  private RaftServer newServer() throws IOException {
    EventStateMachine machine = stateMachines.get();
    machine.serve(leaderRequests);
    machine.afterEachApply(commitNews::commitMoved);
    RaftServer built =
        RaftServer.newBuilder()
            .setServerId(RaftPeerId.valueOf(selfId))
            .setGroup(startGroup)
            .setStateMachine(machine)
            .setProperties(serverProps)
            .setParameters(rpcParameters)
            .setOption(RaftStorage.StartupOption.RECOVER)
            .build();
    stateMachine = machine;
    return built;
  }

  /** The state machine of the running Raft server. */
  public EventStateMachine stateMachine() {
    return stateMachine;
  }

  /** Where followers' forwarded requests go on this node while it leads. */
  public void serve(LeaderRequests requests) {
    leaderRequests = requests;
    stateMachine.serve(requests);
  }

  /**
   * Drops this follower's Raft log and restarts its Raft server empty, when all it committed is a
   * founding entry that diverged from the leader's ({@link FoundingLogReset}).
   *
   * @return why it was refused, or empty once the server runs again on an empty log
   */
  public synchronized Optional<String> resetFoundingLog() throws IOException {
    Optional<String> refused =
        FoundingLogReset.refusal(role(), commitIndex(), appliedIndex(), stateMachine.holdsData());
    if (refused.isPresent()) {
      return refused;
    }
    LOG.warnf(
        "dropping this follower's Raft log (committed through %d, no records): its founding entry"
            + " diverged from the leader's, which Ratis cannot repair; the leader resends it all",
        commitIndex());
    rebuild(() -> FoundingLogReset.dropLogAndSnapshots(raftStorage));
    return Optional.empty();
  }

  /**
   * Closes this node's Raft server and starts a new one over the same storage, as a process restart
   * would, for a log that Ratis stopped writing ({@link StorageFullRecovery}).
   */
  public synchronized void restartInPlace(String why) throws IOException {
    LOG.warnf("restarting this node's Raft server in place: %s", why);
    rebuild(() -> {});
  }

  private interface StorageStep {
    void run() throws IOException;
  }

  private void rebuild(StorageStep whileClosed) throws IOException {
    peerChannels.close();
    server.close();
    whileClosed.run();
    server = newServer();
    start();
  }

  public void start() throws IOException {
    server.start();
    if (warmupParent != null) {
      leaderPathWarm =
          LeaderPathWarmup.startInBackground(
              serverProps, warmupParent.toPath(), this::isLeader, this::followsCaughtUp);
      warmupParent = null;
    }
    peerChannels = new PeerChannels(server, selfId, this::peers);
  }

  /**
   * Replicates one batch this node admitted as leader; completes once it is committed on a quorum
   * and applied, or fails if this node no longer leads.
   */
  public CompletableFuture<RaftClientReply> submit(byte[] batch) {
    return ownBatches.submit(batch);
  }

  /**
   * Hands a request to the leader's {@link LeaderRequests}, wherever the leader is and through an
   * election; completes with its reply.
   *
   * <p>Unordered: each request follows NotLeader answers and retries on its own. Forwarded writes
   * need no order among themselves (a producer's requests in flight carry none either), and on
   * Ratis's ordered stream one request that went unanswered held every later one: after a
   * leadership hand-off and a kill, three requests sent as the node stepped down got no reply, and
   * the requests queued behind them waited the whole 10 s request timeout (failover-bench: a 10,126
   * ms failover, with the new leader ready after 458 ms).
   */
  public CompletableFuture<ByteBuffer> forward(byte[] request) {
    return client
        .async()
        .sendReadOnlyUnordered(Message.valueOf(ByteString.copyFrom(request)))
        .thenCompose(
            reply -> {
              if (!reply.isSuccess()) {
                throw new CompletionException(reply.getException());
              }
              ByteBuffer answer = reply.getMessage().getContent().asReadOnlyByteBuffer();
              return awaitApplied(answererCommitIndex(reply)).thenApply(applied -> answer);
            });
  }

  /**
   * Completes once this node has applied the entry at {@code index}, or after {@link
   * #APPLIED_WAIT_MILLIS} if it has not. A follower waits for this before it answers a write it
   * passed on to the leader, so that a read it serves next shows the write (ADR 0034); past the
   * bound it answers anyway, since the write is committed.
   */
  public CompletableFuture<Void> awaitApplied(long index) {
    return stateMachine
        .applied(index)
        .completeOnTimeout(null, APPLIED_WAIT_MILLIS, TimeUnit.MILLISECONDS);
  }

  /** The commit index of the member that answered, when it answered: Ratis sends it along. */
  private static long answererCommitIndex(RaftClientReply reply) {
    ByteString answerer = reply.getServerId().toByteString();
    return reply.getCommitInfos().stream()
        .filter(c -> c.getServer().getId().equals(answerer))
        .mapToLong(CommitInfoProto::getCommitIndex)
        .findFirst()
        .orElse(-1L);
  }

  private Optional<DivisionInfo> info() {
    try {
      return Optional.of(server.getDivision(group.getGroupId()).getInfo());
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private Optional<RaftLog> log() {
    try {
      return Optional.of(server.getDivision(group.getGroupId()).getRaftLog());
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  public String selfId() {
    return selfId;
  }

  /** Voters and learners of the current configuration (the configured list until it is known). */
  public List<Peer> peers() {
    return conf()
        .map(
            c ->
                allPeers(c).stream()
                    .map(
                        p -> Peer.of(p, self.clientPort(), self.httpPort()).withHttps(self.https()))
                    .toList())
        .orElse(configuredPeers);
  }

  /** Voters, then learners (Ratis's getAllPeers() alone lists the voters). */
  private static List<RaftPeer> allPeers(RaftConfiguration conf) {
    List<RaftPeer> all = new ArrayList<>(conf.getAllPeers(RaftPeerRole.FOLLOWER));
    all.addAll(conf.getAllPeers(RaftPeerRole.LISTENER));
    return all;
  }

  Optional<RaftConfiguration> conf() {
    try {
      return Optional.of(server.getDivision(group.getGroupId()).getRaftConf());
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** The client that follows NotLeader answers to the leader, for membership changes. */
  RaftClient leaderClient() {
    return client;
  }

  /** Every member with its role; match index, lag and last contact when this node leads. */
  public List<Member> members() {
    RaftConfiguration conf = conf().orElse(null);
    if (conf == null) {
      return List.of();
    }
    String leader = leaderId();
    long commit = commitIndex();
    Map<String, long[]> progress = followerProgress();
    List<Member> members = new ArrayList<>();
    for (RaftPeer p : allPeers(conf)) {
      String id = p.getId().toString();
      boolean learner = conf.getPeer(p.getId(), RaftPeerRole.LISTENER) != null;
      Member.Role role =
          id.equals(leader)
              ? Member.Role.LEADER
              : learner ? Member.Role.LEARNER : Member.Role.FOLLOWER;
      long[] known =
          id.equals(selfId) && role == Member.Role.LEADER
              ? new long[] {commit, 0, commit}
              : progress.get(id);
      Peer peer = Peer.of(p, self.clientPort(), self.httpPort()).withHttps(self.https());
      members.add(
          known == null
              ? new Member(peer, role, null, null, null, null)
              : new Member(
                  peer, role, known[0], Math.max(0, commit - known[0]), known[1], known[2]));
    }
    return members;
  }

  /**
   * On the leader: how many entries behind its log the follower is that a quorum waits for (the
   * slowest of the fastest voters a majority needs). 0 elsewhere or alone.
   */
  public double quorumLag() {
    RaftConfiguration conf = conf().orElse(null);
    Map<String, long[]> progress = followerProgress();
    if (conf == null || progress.isEmpty()) {
      return 0;
    }
    Optional<RaftLog> log = log();
    if (log.isEmpty()) {
      return 0;
    }
    long last = log.get().getNextIndex() - 1;
    List<Long> lags = new ArrayList<>();
    for (RaftPeer p : conf.getCurrentPeers(RaftPeerRole.FOLLOWER)) {
      long[] f = progress.get(p.getId().toString());
      if (f != null) {
        lags.add(Math.max(0, last - f[0]));
      }
    }
    int needed = conf.getCurrentPeers(RaftPeerRole.FOLLOWER).size() / 2;
    if (lags.size() < needed || needed == 0) {
      return 0;
    }
    lags.sort(null);
    return lags.get(needed - 1);
  }

  /**
   * On the leader: follower id → {match index, ms since its last answer, the commit index it last
   * reported (-1 if none)}; else empty.
   */
  Map<String, long[]> followerProgress() {
    Map<String, long[]> progress = new HashMap<>();
    DivisionInfo info = info().orElse(null);
    if (info == null || !info.isLeader()) {
      return progress;
    }
    List<ServerRpcProto> followers = info.getRoleInfoProto().getLeaderInfo().getFollowerInfoList();
    long[] match = info.getFollowerMatchIndices();
    // Both come from the leader's log appenders in the same order.
    if (match == null || match.length != followers.size()) {
      return progress;
    }
    Map<String, Long> commits = reportedCommitIndices();
    for (int i = 0; i < match.length; i++) {
      ServerRpcProto f = followers.get(i);
      String id = f.getId().getId().toStringUtf8();
      progress.put(
          id, new long[] {match[i], f.getLastRpcElapsedTimeMs(), commits.getOrDefault(id, -1L)});
    }
    return progress;
  }

  /**
   * @throws NotLeaderException naming the leader when this node does not lead
   */
  public void requireLeader() {
    if (role() != NodeRole.LEADER) {
      throw new NotLeaderException(leader());
    }
  }

  /** Adds, promotes and removes members, and moves leadership, on the leader. */
  public RaftMembership membership() {
    return membership;
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

  public boolean isLeader() {
    return info().map(DivisionInfo::isLeader).orElse(false);
  }

  /**
   * A follower or learner that knows the leader's commit index and has applied up to near it. A
   * learner counts: readiness waits for the warm-up this starts, and a learner is ready once caught
   * up, before anyone promotes it.
   */
  private boolean followsCaughtUp() {
    long leaderCommit = leaderCommitIndex();
    return info().map(i -> i.isFollower() || i.isListener()).orElse(false)
        && leaderCommit >= 0
        && leaderCommit - appliedIndex() <= caughtUpLag;
  }

  /**
   * False while the leader-path warm-up waits to run or runs: its throwaway server takes 1.5–2.5 s
   * of CPU, which slows an election this node takes part in meanwhile.
   */
  public boolean leaderPathWarm() {
    return leaderPathWarm.getAsBoolean();
  }

  public boolean isLeaderReady() {
    return info().map(DivisionInfo::isLeaderReady).orElse(false);
  }

  /**
   * True on a leader that committed an entry of its term and applied everything committed: its
   * store then holds the whole committed log, which state read from the log needs.
   */
  public boolean leadsWithWholeLog() {
    return isLeaderReady() && appliedIndex() >= commitIndex();
  }

  public long term() {
    return info().map(DivisionInfo::getCurrentTerm).orElse(0L);
  }

  public long commitIndex() {
    return log().map(RaftLog::getLastCommittedIndex).orElse(-1L);
  }

  /**
   * The leader's commit index as this node last heard it (its own when it leads), or -1 while no
   * leader is known. A restarted follower's own commit index only covers the log it has, so this is
   * what tells how far behind it really is.
   */
  public long leaderCommitIndex() {
    String leader = leaderId();
    if (leader.isEmpty()) {
      return -1;
    }
    if (leader.equals(selfId)) {
      return commitIndex();
    }
    return reportedCommitIndices().getOrDefault(leader, -1L);
  }

  /**
   * Member id → the commit index Ratis last heard from it (its commit infos); empty once the server
   * is closed.
   */
  private Map<String, Long> reportedCommitIndices() {
    Map<String, Long> commits = new HashMap<>();
    try {
      server
          .getDivision(group.getGroupId())
          .getCommitInfos()
          .forEach(c -> commits.put(c.getServer().getId().toStringUtf8(), c.getCommitIndex()));
    } catch (IOException e) {
      // Closed meanwhile: every commit index reads as unknown.
    }
    return commits;
  }

  /** The last log index this node has written to disk, or -1 when unknown. */
  public long flushIndex() {
    return log().map(RaftLog::getFlushIndex).orElse(-1L);
  }

  /** The last index in this node's log, written to disk or not yet, or -1 when empty. */
  public long lastLogIndex() {
    return log().map(RaftLog::getLastEntryTermIndex).map(TermIndex::getIndex).orElse(-1L);
  }

  /** The index after the last entry this node holds, counting its snapshot; -1 when unknown. */
  public long nextLogIndex() {
    return log().map(RaftLog::getNextIndex).orElse(-1L);
  }

  public long appliedIndex() {
    return info().map(DivisionInfo::getLastAppliedIndex).orElse(-1L);
  }

  public boolean isAlive() {
    return info().map(DivisionInfo::isAlive).orElse(false);
  }

  public Optional<Peer> leader() {
    String id = leaderId();
    return peers().stream().filter(p -> p.id().equals(id)).findFirst();
  }

  @Override
  public void close() throws IOException {
    if (peerChannels != null) {
      peerChannels.close();
    }
    client.close();
    ownBatches.close();
    server.close();
  }
}
