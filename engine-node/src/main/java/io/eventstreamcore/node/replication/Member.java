package io.eventstreamcore.node.replication;

/**
 * One member of the Raft group as this node sees it. Match index, lag (commit index minus match
 * index), time since the last answer and the commit index the member last reported are known only
 * on the leader, else null.
 */
public record Member(
    Peer peer, Role role, Long matchIndex, Long lag, Long lastContactMs, Long commitIndex) {
  /** LEARNER members receive the log but do not vote; they are promoted once caught up. */
  public enum Role {
    LEADER,
    FOLLOWER,
    LEARNER
  }
}
