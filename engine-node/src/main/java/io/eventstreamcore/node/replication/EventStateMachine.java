package io.eventstreamcore.node.replication;

import io.eventstreamcore.node.storage.EventStore;
import io.eventstreamcore.protocol.EventCodec;
import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
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
import org.apache.ratis.util.MD5FileUtil;
import org.jboss.logging.Logger;

/**
 * Applies committed batches to the {@link EventStore}. Replies to the submitter with the topic
 * offset of each event of the batch. Snapshots record per-topic end offsets; on start the store is
 * cut back to the latest snapshot and Ratis replays the log after it.
 */
public final class EventStateMachine extends BaseStateMachine {
  private static final Logger LOG = Logger.getLogger(EventStateMachine.class);

  private final EventStore store;
  private final SimpleStateMachineStorage storage = new SimpleStateMachineStorage();
  private volatile Map<String, Long> snapshotEnds = Map.of();

  public EventStateMachine(EventStore store) {
    this.store = store;
  }

  @Override
  public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage raftStorage)
      throws IOException {
    super.initialize(server, groupId, raftStorage);
    storage.init(raftStorage);
    loadLatestSnapshot();
  }

  @Override
  public void reinitialize() throws IOException {
    loadLatestSnapshot();
  }

  private void loadLatestSnapshot() throws IOException {
    SingleFileSnapshotInfo snapshot = storage.loadLatestSnapshot();
    if (snapshot == null) {
      store.truncateTo(Map.of());
      snapshotEnds = Map.of();
      LOG.info("no snapshot: the store is rebuilt from the whole Raft log");
      return;
    }
    File file = snapshot.getFile().getPath().toFile();
    MD5FileUtil.verifySavedMD5(file, snapshot.getFile().getFileDigest());
    StoreSnapshot s = StoreSnapshot.readFrom(file.toPath());
    store.truncateTo(s.endOffsets());
    snapshotEnds = Map.copyOf(s.endOffsets());
    setLastAppliedTermIndex(snapshot.getTermIndex());
    LOG.infof(
        "store cut back to snapshot %s (%d topics); the Raft log after it is replayed",
        snapshot.getTermIndex(), s.endOffsets().size());
  }

  @Override
  public StateMachineStorage getStateMachineStorage() {
    return storage;
  }

  @Override
  public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
    LogEntryProto entry = trx.getLogEntry();
    ByteString data = entry.getStateMachineLogEntry().getLogData();
    Message reply;
    try {
      EventBatch batch = EventBatch.decode(data.asReadOnlyByteBuffer());
      List<String> topics = new ArrayList<>(batch.events().size());
      for (ByteBuffer e : batch.events()) {
        topics.add(EventCodec.topicOf(e));
      }
      long[] offsets = store.append(batch.events(), topics);
      reply = Message.valueOf(ByteString.copyFrom(AppendResult.encode(offsets)));
    } catch (EventBatch.CorruptBatchException e) {
      LOG.errorf(
          "log entry %d is not a valid batch, skipped on every replica: %s",
          entry.getIndex(), e.getMessage());
      reply = Message.valueOf(ByteString.copyFrom(AppendResult.corrupt(e.getMessage())));
    }
    updateLastAppliedTermIndex(entry.getTerm(), entry.getIndex());
    return CompletableFuture.completedFuture(reply);
  }

  @Override
  public long takeSnapshot() throws IOException {
    TermIndex last = getLastAppliedTermIndex();
    if (last == null || last.getIndex() < 0) {
      return RaftLog.INVALID_LOG_INDEX;
    }
    // Applies are paused while Ratis takes a snapshot, so the store matches `last` exactly.
    store.flush();
    TreeMap<String, Long> ends = new TreeMap<>(store.endOffsets());
    File file = storage.getSnapshotFile(last.getTerm(), last.getIndex());
    new StoreSnapshot(ends).writeTo(file.toPath());
    FileInfo info = new FileInfo(file.toPath(), MD5FileUtil.computeAndSaveMd5ForFile(file));
    storage.updateLatestSnapshot(new SingleFileSnapshotInfo(info, last));
    snapshotEnds = Map.copyOf(ends);
    LOG.debugf("snapshot at %s, %d topics", last, ends.size());
    return last.getIndex();
  }

  /** End offsets of the latest snapshot: retention must keep every record above them. */
  public Map<String, Long> snapshotEnds() {
    return snapshotEnds;
  }

  /** Decodes the reply that {@link #applyTransaction} sends back to the submitter. */
  public static final class AppendResult {
    private AppendResult() {}

    static byte[] encode(long[] offsets) {
      ByteBuffer b = ByteBuffer.allocate(1 + 8 * offsets.length);
      b.put((byte) 0);
      for (long o : offsets) {
        b.putLong(o);
      }
      return b.array();
    }

    static byte[] corrupt(String reason) {
      byte[] text = reason.getBytes(StandardCharsets.UTF_8);
      return ByteBuffer.allocate(1 + text.length).put((byte) 1).put(text).array();
    }

    /**
     * @return offsets of the batch's events in order
     * @throws EventBatch.CorruptBatchException when the batch was rejected at apply
     */
    public static long[] decode(ByteBuffer reply) {
      if (reply.get(0) != 0) {
        byte[] text = new byte[reply.remaining() - 1];
        reply.duplicate().position(reply.position() + 1).get(text);
        throw new EventBatch.CorruptBatchException(new String(text, StandardCharsets.UTF_8));
      }
      long[] offsets = new long[(reply.remaining() - 1) / 8];
      ByteBuffer b = reply.duplicate().position(reply.position() + 1);
      for (int i = 0; i < offsets.length; i++) {
        offsets[i] = b.getLong();
      }
      return offsets;
    }
  }
}
