package io.eventstreamcore.node.replication;

import io.eventstreamcore.node.security.PeerHttp;
import io.eventstreamcore.node.storage.EventStore;
import io.eventstreamcore.node.storage.UnstorableTopicException;
import io.eventstreamcore.node.threads.DaemonThreads;
import io.eventstreamcore.protocol.EventCodec;
import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.ratis.io.CorruptedFileException;
import org.apache.ratis.io.MD5Hash;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.proto.RaftProtos.RoleInfoProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.raftlog.RaftLog;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.StateMachineStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.LifeCycle;
import org.apache.ratis.util.MD5FileUtil;
import org.apache.ratis.util.ProtoUtils;
import org.jboss.logging.Logger;

/**
 * Applies committed batches to the {@link EventStore}. Replies to the submitter with the topic
 * offset of each event of the batch. Snapshots record per-topic end offsets; on start the store is
 * cut back to the latest snapshot and Ratis replays the log after it. A follower that needs entries
 * the leader has purged copies the missing records from the leader instead ({@link
 * SnapshotCatchUp}).
 */
public final class EventStateMachine extends BaseStateMachine {
  private static final Logger LOG = Logger.getLogger(EventStateMachine.class);

  private final EventStore store;
  private final SnapshotCatchUp catchUp;
  private final Peer self;
  private final ApplyListener listener;
  private final SimpleStateMachineStorage storage = new SimpleStateMachineStorage();
  private final SnapshotBySize snapshotBySize;
  private final AppliedIndexWatch appliedWatch = new AppliedIndexWatch();
  private volatile Runnable afterApply = () -> {};
  private volatile SnapshotPoint latestSnapshot;

  /** Held while applying, snapshotting or catching up: the store has one writer at a time. */
  private final ReentrantLock storeWriter = new ReentrantLock();

  private final ExecutorService catchUpThread =
      Executors.newSingleThreadExecutor(DaemonThreads.named("esc-snapshot-catch-up"));
  private volatile boolean catchingUp;
  private volatile boolean closed;
  private volatile LeaderRequests leaderRequests = LeaderRequests.NOT_YET;

  /**
   * @param self this node, whose client and HTTP ports other members use when the Raft
   *     configuration does not name theirs
   * @param listener told of every applied entry (the dedup table records stored events)
   * @param snapshotBytes bytes of applied batches after which a snapshot is asked for
   */
  public EventStateMachine(
      EventStore store, Peer self, ApplyListener listener, PeerHttp peerHttp, long snapshotBytes) {
    this.store = store;
    this.snapshotBySize = new SnapshotBySize(snapshotBytes);
    this.catchUp = new SnapshotCatchUp(peerHttp);
    this.self = self;
    this.listener = listener;
  }

  @Override
  public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage raftStorage)
      throws IOException {
    super.initialize(server, groupId, raftStorage);
    storage.init(raftStorage);
    loadLatestSnapshot();
    getLifeCycle().transition(LifeCycle.State.STARTING);
    getLifeCycle().transition(LifeCycle.State.RUNNING);
  }

  /** Ratis pauses the state machine before it reloads it from a snapshot that was installed. */
  @Override
  public void pause() {
    if (getLifeCycleState() == LifeCycle.State.RUNNING) {
      getLifeCycle().transition(LifeCycle.State.PAUSING);
      getLifeCycle().transition(LifeCycle.State.PAUSED);
    }
  }

  @Override
  public void reinitialize() throws IOException {
    loadLatestSnapshot();
    if (getLifeCycleState() == LifeCycle.State.PAUSED) {
      getLifeCycle().transition(LifeCycle.State.STARTING);
      getLifeCycle().transition(LifeCycle.State.RUNNING);
    }
  }

  private void loadLatestSnapshot() throws IOException {
    SingleFileSnapshotInfo snapshot = storage.loadLatestSnapshot();
    if (snapshot == null) {
      store.truncateTo(Map.of());
      latestSnapshot = null;
      listener.cutBack(-1);
      LOG.info("no snapshot: the store is rebuilt from the whole Raft log");
      return;
    }
    File file = snapshot.getFile().getPath().toFile();
    StoreSnapshot s;
    try {
      MD5FileUtil.verifySavedMD5(file, snapshot.getFile().getFileDigest());
      s = StoreSnapshot.readFrom(file.toPath());
    } catch (IOException e) {
      throw new CorruptedFileException(file, "snapshot unreadable: " + e.getMessage());
    }
    store.truncateTo(s.endOffsets());
    TermIndex at = snapshot.getTermIndex();
    listener.cutBack(at.getIndex());
    latestSnapshot = new SnapshotPoint(at.getTerm(), at.getIndex(), Map.copyOf(s.endOffsets()));
    setLastAppliedTermIndex(at);
    LOG.infof(
        "store cut back to snapshot %s (%d topics); the Raft log after it is replayed",
        snapshot.getTermIndex(), s.endOffsets().size());
  }

  @Override
  protected boolean updateLastAppliedTermIndex(TermIndex applied) {
    boolean moved = super.updateLastAppliedTermIndex(applied);
    appliedWatch.advance(applied.getIndex());
    afterApply.run();
    return moved;
  }

  /** Runs {@code task} on the apply thread after each entry applied; it must not block. */
  void afterEachApply(Runnable task) {
    afterApply = task;
  }

  @Override
  protected void setLastAppliedTermIndex(TermIndex applied) {
    super.setLastAppliedTermIndex(applied);
    // BaseStateMachine's constructor sets it too, before this class's fields exist.
    if (appliedWatch != null) {
      appliedWatch.advance(applied.getIndex());
    }
  }

  /** Completes once this node has applied the entry at {@code index}, off the apply thread. */
  public CompletableFuture<Void> applied(long index) {
    return appliedWatch.reached(index);
  }

  @Override
  public StateMachineStorage getStateMachineStorage() {
    return storage;
  }

  /** Serves the requests followers forward to this node while it leads. */
  public void serve(LeaderRequests requests) {
    leaderRequests = requests;
  }

  /**
   * Ratis's read-only request is the channel a follower's forwarded writes arrive through: it goes
   * to the leader, follows NotLeader answers and waits out an election, as a write would.
   */
  @Override
  public CompletableFuture<Message> query(Message request) {
    return leaderRequests
        .serve(request.getContent().asReadOnlyByteBuffer())
        .thenApply(reply -> Message.valueOf(ByteString.copyFrom(reply)));
  }

  @Override
  public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
    LogEntryProto entry = trx.getLogEntry();
    storeWriter.lock();
    try {
      if (entry.getIndex() <= getLastAppliedTermIndex().getIndex()) {
        // A catch-up already brought the store past this entry.
        return CompletableFuture.completedFuture(Message.EMPTY);
      }
      return CompletableFuture.completedFuture(apply(entry));
    } finally {
      storeWriter.unlock();
    }
  }

  /** Ratis reports entries that carry no batch (configuration, metadata) here. */
  @Override
  public void notifyTermIndexUpdated(long term, long index) {
    storeWriter.lock();
    try {
      // After a catch-up, entries older than the copied point are still being drained.
      if (index > getLastAppliedTermIndex().getIndex()) {
        super.notifyTermIndexUpdated(term, index);
        listener.applied(term, index, -1, List.of(), new long[0]);
      }
    } finally {
      storeWriter.unlock();
    }
  }

  private Message apply(LogEntryProto entry) {
    ByteString data = entry.getStateMachineLogEntry().getLogData();
    Message reply;
    try {
      EventBatch batch = EventBatch.decode(data.asReadOnlyByteBuffer());
      reply =
          batch.admittedTerm() == Admission.ANY_TERM || batch.admittedTerm() == entry.getTerm()
              ? store(entry, batch)
              : skipAdmittedInAnotherTerm(entry, batch);
    } catch (EventBatch.CorruptBatchException | UnstorableTopicException e) {
      // Both are decided by the entry's bytes alone, so every replica skips it alike; failing
      // here instead would stop the group on every node, and again on each restart's replay.
      LOG.errorf(
          "log entry %d is not a batch this store can apply, skipped on every replica: %s",
          entry.getIndex(), e.getMessage());
      reply = Message.valueOf(ByteString.copyFrom(AppendResult.corrupt(e.getMessage())));
      listener.applied(entry.getTerm(), entry.getIndex(), -1, List.of(), new long[0]);
    }
    updateLastAppliedTermIndex(entry.getTerm(), entry.getIndex());
    if (snapshotBySize.applied(data.size())) {
      snapshotBySize.ask(getServer().join(), getId(), getGroupId());
    }
    return reply;
  }

  private Message store(LogEntryProto entry, EventBatch batch) {
    List<String> topics = new ArrayList<>(batch.events().size());
    for (ByteBuffer e : batch.events()) {
      topics.add(EventCodec.topicOf(e));
    }
    long[] offsets =
        FullDiskWait.append(store, batch.events(), topics, entry.getIndex(), () -> closed);
    listener.applied(
        entry.getTerm(), entry.getIndex(), batch.recordedThrough(), batch.events(), offsets);
    return Message.valueOf(ByteString.copyFrom(AppendResult.encode(offsets)));
  }

  /**
   * What held a resend of the batch's ids out while it was in flight (the leader's in-flight ids,
   * its table claims) lasted only the term that admitted it, so a resend may have been admitted and
   * stored since. Decided by the entry alone, so every replica skips it alike; its producer is
   * answered with a retryable error, and the retry is admitted afresh.
   */
  private Message skipAdmittedInAnotherTerm(LogEntryProto entry, EventBatch batch) {
    String why =
        "batch admitted in term "
            + batch.admittedTerm()
            + " entered the log in term "
            + entry.getTerm();
    LOG.warnf(
        "log entry %d skipped on every replica, %d events: %s",
        entry.getIndex(), batch.events().size(), why);
    listener.applied(entry.getTerm(), entry.getIndex(), -1, List.of(), new long[0]);
    return Message.valueOf(ByteString.copyFrom(AppendResult.admittedInAnotherTerm(why)));
  }

  @Override
  public long takeSnapshot() throws IOException {
    storeWriter.lock();
    try {
      TermIndex last = getLastAppliedTermIndex();
      if (last == null || last.getIndex() < 0) {
        return RaftLog.INVALID_LOG_INDEX;
      }
      saveSnapshot(last);
      return last.getIndex();
    } finally {
      storeWriter.unlock();
    }
  }

  /** Records the store as it stands, which must be the state after applying {@code at}. */
  private void saveSnapshot(TermIndex at) throws IOException {
    store.flush();
    TreeMap<String, Long> ends = new TreeMap<>(store.endOffsets());
    File file = storage.getSnapshotFile(at.getTerm(), at.getIndex());
    MD5Hash digest = new StoreSnapshot(ends).writeTo(file.toPath());
    FileInfo info = new FileInfo(file.toPath(), digest);
    storage.updateLatestSnapshot(new SingleFileSnapshotInfo(info, at));
    snapshotBySize.taken();
    latestSnapshot = new SnapshotPoint(at.getTerm(), at.getIndex(), Map.copyOf(ends));
    LOG.debugf("snapshot at %s, %d topics", at, ends.size());
  }

  /**
   * Ratis calls this on a follower whose next log entry the leader has already purged, and once on
   * every member that joins. The store is copied up to the leader's snapshot point on a thread of
   * its own; Ratis asks again until the returned future is done and then reloads this state machine
   * from the snapshot saved here.
   */
  @Override
  public CompletableFuture<TermIndex> notifyInstallSnapshotFromLeader(
      RoleInfoProto role, TermIndex firstAvailable) {
    Peer leader =
        Peer.of(
                ProtoUtils.toRaftPeer(role.getFollowerInfo().getLeaderInfo().getId()),
                self.clientPort(),
                self.httpPort())
            .withHttps(self.https());
    long committed = committedHere();
    if (committed >= firstAvailable.getIndex() - 1) {
      // Everything after what this node has committed is still in the leader's log: appends can
      // bring it up to date. Ratis asks anyway when the leader's next index for it drops below the
      // purged point while a restarted follower's uncommitted tail is being resolved; a copy then
      // moved the store past a Raft log that Ratis never filled, and appends stayed refused.
      LOG.infof(
          "the leader %s keeps its log from %s and this node committed through %d: no copy needed",
          leader.id(), firstAvailable, committed);
      return CompletableFuture.completedFuture(null);
    }
    LOG.infof(
        "the leader %s keeps its log from %s only: copying its snapshot's records",
        leader.id(), firstAvailable);
    catchingUp = true;
    return CompletableFuture.supplyAsync(() -> catchUpFrom(leader), catchUpThread)
        .whenComplete((at, error) -> catchingUp = false);
  }

  private long committedHere() {
    try {
      return getServer().join().getDivision(getGroupId()).getRaftLog().getLastCommittedIndex();
    } catch (IOException | RuntimeException e) {
      return RaftLog.INVALID_LOG_INDEX;
    }
  }

  private TermIndex catchUpFrom(Peer leader) {
    String leaderId = leader.id();
    storeWriter.lock();
    try {
      Optional<SnapshotPoint> copied = catchUp.copyFrom(leader, store);
      if (copied.isEmpty()) {
        LOG.infof("%s has taken no snapshot: its whole log is there to replay", leaderId);
        return null;
      }
      SnapshotPoint point = copied.get();
      TermIndex at = TermIndex.valueOf(point.term(), point.index());
      saveSnapshot(at);
      setLastAppliedTermIndex(at);
      listener.caughtUp(at.getTerm(), at.getIndex());
      LOG.infof("caught up with %s's snapshot at %s", leaderId, at);
      return at;
    } catch (IOException e) {
      LOG.warnf("catching up from %s failed, the leader will ask again: %s", leaderId, e);
      throw new CompletionException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CompletionException(e);
    } finally {
      storeWriter.unlock();
    }
  }

  /** True while this follower copies records from the leader; it is not ready meanwhile. */
  public boolean isCatchingUp() {
    return catchingUp;
  }

  /** Whether this node stored any record or took a snapshot. */
  public boolean holdsData() {
    return latestSnapshot != null || store.endOffsets().values().stream().anyMatch(end -> end > 0);
  }

  /** The latest snapshot, or null before the first: retention keeps every record above it. */
  public SnapshotPoint latestSnapshot() {
    return latestSnapshot;
  }

  @Override
  public void close() throws IOException {
    closed = true;
    catchUpThread.shutdownNow();
    snapshotBySize.close();
    appliedWatch.close();
    super.close();
  }
}
