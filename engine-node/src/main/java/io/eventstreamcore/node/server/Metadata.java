package io.eventstreamcore.node.server;

import io.eventstreamcore.node.replication.RaftNode;
import io.eventstreamcore.protocol.MetadataResult;

/** Builds the METADATA answer from this node's Raft view. */
final class Metadata {
  private Metadata() {}

  static MetadataResult of(RaftNode raft) {
    return new MetadataResult(
        raft.selfId(),
        raft.role(),
        raft.leaderId(),
        raft.term(),
        raft.commitIndex(),
        raft.peers().stream()
            .map(p -> new MetadataResult.Member(p.id(), p.clientEndpoint(), p.httpEndpoint()))
            .toList());
  }
}
