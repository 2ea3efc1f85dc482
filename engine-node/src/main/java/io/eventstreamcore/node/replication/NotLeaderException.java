package io.eventstreamcore.node.replication;

import java.util.Optional;

/** An operation only the leader performs was asked of another node; says who leads, if known. */
public final class NotLeaderException extends RuntimeException {
  private final transient Optional<Peer> leader;

  NotLeaderException(Optional<Peer> leader) {
    super(
        leader
            .map(l -> "this node does not lead; the leader is " + l.id())
            .orElse("this node does not lead and knows no leader yet"));
    this.leader = leader;
  }

  public Optional<Peer> leader() {
    return leader;
  }
}
