package io.eventstreamcore.node.replication;

import java.io.Closeable;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.exceptions.StateMachineException;
import org.apache.ratis.thirdparty.com.google.protobuf.UnsafeByteOperations;
import org.jboss.logging.Logger;

/**
 * The ordered Raft client through which a leader submits the batches it admitted, never retrying
 * (see {@link RaftNode}), and replaced as soon as one of its requests fails.
 *
 * <p>Why any failure: without retries, Ratis's ordered client closes its request stream on the
 * first request that fails on its way (a {@code NotLeaderException} when this node steps down is
 * the common one) and hands that request the exception itself, not a retry failure. Every later
 * request on that client then fails with {@code AlreadyClosedException}. Replacing the client only
 * on those left it closed until this node led again, so its first batch of the new term failed:
 * failover-bench saw this in 1–3 of every 10 kills, with the producer's first acknowledgement one
 * round later. Only an exception the state machine put in a reply leaves the stream open.
 */
final class OwnBatchClient implements Closeable {
  private static final Logger LOG = Logger.getLogger(OwnBatchClient.class);

  private final Supplier<RaftClient> newClient;
  private volatile RaftClient current;

  OwnBatchClient(Supplier<RaftClient> newClient) {
    this.newClient = newClient;
    this.current = newClient.get();
  }

  /** Completes once the batch is committed on a quorum and applied, or fails. */
  CompletableFuture<RaftClientReply> submit(byte[] batch) {
    RaftClient used = current;
    return used.async()
        // Nothing changes an encoded batch afterwards, so Ratis may share its array, not copy it.
        .send(Message.valueOf(UnsafeByteOperations.unsafeWrap(batch)))
        .whenComplete(
            (reply, error) -> {
              if (error != null && closesTheStream(error)) {
                replace(used);
              }
            });
  }

  private static boolean closesTheStream(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof StateMachineException) {
        return false;
      }
    }
    return true;
  }

  private synchronized void replace(RaftClient broken) {
    if (broken != current) {
      return;
    }
    current = newClient.get();
    try {
      broken.close();
    } catch (IOException e) {
      LOG.debug("closing the replaced Raft client", e);
    }
  }

  @Override
  public void close() throws IOException {
    current.close();
  }
}
