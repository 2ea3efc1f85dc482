package io.eventstreamcore.node.server;

import io.eventstreamcore.node.config.NodeConfig;
import java.time.Duration;

/** The binary-protocol limits of docs/operations.md ("Client limits"), in one place. */
record ServerLimits(
    int maxFrameBytes,
    int maxConnections,
    long maxReceivingBytes,
    long maxReplyBytes,
    Duration handshakeTimeout,
    Duration requestTimeout,
    Duration idleTimeout) {

  /**
   * The largest frame read before a connection's HELLO: a HELLO is a few bytes plus credentials,
   * and a stranger gets no more of the node's memory than that.
   */
  static final int MAX_HELLO_FRAME_BYTES = 16 * 1024;

  /**
   * Frames up to this size are read without a reservation in the {@link ReceiveBudget}: each
   * connection holds at most one of them, so they cost at most this times the connection limit, and
   * the requests of ordinary clients do not queue behind a flood of large unfinished ones.
   */
  static final int UNBUDGETED_FRAME_BYTES = 64 * 1024;

  static ServerLimits of(NodeConfig.Server s, int maxFrameBytes) {
    return new ServerLimits(
        maxFrameBytes,
        s.maxConnections(),
        // A frame the budget could never hold would wait for ever.
        Math.max(s.maxReceivingBytes(), maxFrameBytes),
        Math.max(s.maxReplyBytes(), maxFrameBytes),
        s.handshakeTimeout(),
        s.requestTimeout(),
        s.idleTimeout());
  }
}
