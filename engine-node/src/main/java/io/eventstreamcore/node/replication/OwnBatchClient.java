package io.eventstreamcore.node.replication;

import io.eventstreamcore.node.threads.DaemonThreads;
import java.io.Closeable;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.thirdparty.com.google.protobuf.UnsafeByteOperations;

/**
 * How a leader submits the batches it admitted: straight to its own Raft server, in this process,
 * once each, never retried (see {@link RaftNode}).
 *
 * <p>Why not a Ratis client: a client reaches even its own node's server over gRPC, so every entry
 * was serialized, framed, sent over loopback and parsed back into a copy of itself before the
 * leader appended it, on gRPC's threads. The server's own entry point answers the same way a
 * client's request is answered: a reply that carries {@code NotLeaderException} or {@code
 * LeaderNotReadyException} when this node does not lead (or not yet), the state machine's reply
 * once the entry is applied, and a failure when the node steps down before that.
 *
 * <p>Replies complete on this class's own thread: the server completes them on the thread that
 * applied the entry, which should go on applying.
 */
final class OwnBatchClient implements Closeable {
  private final Supplier<RaftServer> server;
  private final RaftGroupId groupId;
  private final RaftPeerId self;
  private final ClientId clientId = ClientId.randomId();
  private final AtomicLong callIds = new AtomicLong();
  private final ExecutorService replies;

  OwnBatchClient(Supplier<RaftServer> server, RaftGroupId groupId, RaftPeerId self) {
    this.server = server;
    this.groupId = groupId;
    this.self = self;
    this.replies =
        Executors.newSingleThreadExecutor(DaemonThreads.named(self + "-own-batch-replies"));
  }

  /** Completes once the batch is committed on a quorum and applied, or fails. */
  CompletableFuture<RaftClientReply> submit(byte[] batch) {
    RaftClientRequest request =
        RaftClientRequest.newBuilder()
            .setClientId(clientId)
            .setServerId(self)
            .setGroupId(groupId)
            .setCallId(callIds.incrementAndGet())
            // Nothing changes an encoded batch afterwards, so Ratis may share its array.
            .setMessage(Message.valueOf(UnsafeByteOperations.unsafeWrap(batch)))
            .setType(RaftClientRequest.writeRequestType())
            .build();
    CompletableFuture<RaftClientReply> applied;
    try {
      applied = server.get().submitClientRequestAsync(request);
    } catch (IOException | RuntimeException e) {
      applied = CompletableFuture.failedFuture(e);
    }
    return applied.whenCompleteAsync((reply, error) -> {}, replies);
  }

  @Override
  public void close() {
    replies.shutdown();
  }
}
