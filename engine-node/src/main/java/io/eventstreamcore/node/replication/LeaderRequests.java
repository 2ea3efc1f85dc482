package io.eventstreamcore.node.replication;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

/**
 * What the leader serves for the other members: a follower hands it the writes it was sent, since
 * only the leader may admit events into its term ({@link RaftNode#forward}). Ratis delivers such a
 * request only to the leader, and only once it is ready.
 */
@FunctionalInterface
public interface LeaderRequests {
  /** The reply to one forwarded request. */
  CompletableFuture<byte[]> serve(ByteBuffer request);

  /** Before the node's services are up: the follower fails the writes retryably. */
  LeaderRequests NOT_YET =
      request ->
          CompletableFuture.failedFuture(
              new IllegalStateException("the leader is still starting its services"));
}
