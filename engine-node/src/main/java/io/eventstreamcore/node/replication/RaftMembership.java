package io.eventstreamcore.node.replication;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.SetConfigurationRequest;
import org.apache.ratis.server.RaftConfiguration;

/**
 * Changes to who is in the group, made on the leader: learners are added, caught-up learners
 * promoted, members removed, and leadership handed to a voter. Each change is one compare-and-set
 * of the Raft configuration, so two admins racing cannot both apply a change made against the same
 * configuration.
 */
public final class RaftMembership {
  private final RaftNode raft;
  private final long maxPromoteLag;

  RaftMembership(RaftNode raft, long maxPromoteLag) {
    this.raft = raft;
    this.maxPromoteLag = maxPromoteLag;
  }

  /** Adds a node as a learner: it receives and applies the log but does not vote. */
  public void addLearner(Peer peer) throws IOException {
    RaftConfiguration conf = leaderConf();
    if (conf.getPeer(RaftPeerId.valueOf(peer.id()), RaftPeerRole.FOLLOWER, RaftPeerRole.LISTENER)
        != null) {
      throw MembershipException.refused("'" + peer.id() + "' is already a member");
    }
    List<RaftPeer> learners = new ArrayList<>(conf.getCurrentPeers(RaftPeerRole.LISTENER));
    learners.add(peer.toRaftPeer());
    setConfiguration(conf, List.copyOf(conf.getCurrentPeers(RaftPeerRole.FOLLOWER)), learners);
  }

  /** Makes a learner a voter, once its log is within the readiness lag of the commit index. */
  public void promote(String id) throws IOException {
    RaftConfiguration conf = leaderConf();
    RaftPeer learner = conf.getPeer(RaftPeerId.valueOf(id), RaftPeerRole.LISTENER);
    if (learner == null) {
      throw conf.getPeer(RaftPeerId.valueOf(id)) == null
          ? MembershipException.unknown(id)
          : MembershipException.refused("'" + id + "' already votes");
    }
    long[] progress = raft.followerProgress().get(id);
    long lag = progress == null ? Long.MAX_VALUE : raft.commitIndex() - progress[0];
    if (lag > maxPromoteLag) {
      throw MembershipException.refused(
          "'"
              + id
              + "' is not caught up yet ("
              + (progress == null ? "no progress known" : lag + " entries behind")
              + ", at most "
              + maxPromoteLag
              + " allowed)");
    }
    // Ratis 3.3 never marks a learner (listener) that becomes a voter as caught up, so it would
    // not start voting. Dropping it and adding it back as a voter makes Ratis stage it like any
    // new member; it has the log already, so staging ends within a heartbeat or two. Voters are
    // the same in between, so the quorum is never at stake.
    List<RaftPeer> voters = List.copyOf(conf.getCurrentPeers(RaftPeerRole.FOLLOWER));
    List<RaftPeer> learners = new ArrayList<>(conf.getCurrentPeers(RaftPeerRole.LISTENER));
    learners.remove(learner);
    setConfiguration(conf, voters, learners);
    List<RaftPeer> withLearner = new ArrayList<>(voters);
    withLearner.add(learner);
    setConfiguration(leaderConf(), withLearner, learners);
  }

  /**
   * Removes a member. The leader cannot remove itself (transfer leadership first) and the last
   * voter cannot be removed.
   */
  public void remove(String id) throws IOException {
    RaftConfiguration conf = leaderConf();
    RaftPeerId peerId = RaftPeerId.valueOf(id);
    if (conf.getPeer(peerId, RaftPeerRole.FOLLOWER, RaftPeerRole.LISTENER) == null) {
      throw MembershipException.unknown(id);
    }
    if (id.equals(raft.selfId())) {
      throw MembershipException.refused(
          "'" + id + "' is the leader: transfer leadership to another member first");
    }
    List<RaftPeer> voters = new ArrayList<>(conf.getCurrentPeers(RaftPeerRole.FOLLOWER));
    List<RaftPeer> learners = new ArrayList<>(conf.getCurrentPeers(RaftPeerRole.LISTENER));
    voters.removeIf(p -> p.getId().equals(peerId));
    learners.removeIf(p -> p.getId().equals(peerId));
    setConfiguration(conf, voters, learners);
  }

  /** Hands leadership to a voter and waits until it leads (or the timeout passes). */
  public void transferLeadership(String id, long timeoutMs) throws IOException {
    RaftConfiguration conf = leaderConf();
    if (conf.getPeer(RaftPeerId.valueOf(id), RaftPeerRole.FOLLOWER) == null) {
      throw conf.getPeer(RaftPeerId.valueOf(id)) == null
          ? MembershipException.unknown(id)
          : MembershipException.refused("'" + id + "' is a learner and cannot lead");
    }
    if (id.equals(raft.selfId())) {
      return;
    }
    check(raft.leaderClient().admin().transferLeadership(RaftPeerId.valueOf(id), timeoutMs));
  }

  private RaftConfiguration leaderConf() {
    raft.requireLeader();
    return raft.conf().orElseThrow(() -> new NotLeaderException(Optional.empty()));
  }

  private void setConfiguration(
      RaftConfiguration current, List<RaftPeer> voters, List<RaftPeer> learners)
      throws IOException {
    check(
        raft.leaderClient()
            .admin()
            .setConfiguration(
                SetConfigurationRequest.Arguments.newBuilder()
                    .setServersInCurrentConf(
                        List.copyOf(current.getCurrentPeers(RaftPeerRole.FOLLOWER)))
                    .setListenersInCurrentConf(
                        List.copyOf(current.getCurrentPeers(RaftPeerRole.LISTENER)))
                    .setServersInNewConf(voters)
                    .setListenersInNewConf(learners)
                    .setMode(SetConfigurationRequest.Mode.COMPARE_AND_SET)
                    .build()));
  }

  private static void check(RaftClientReply reply) throws IOException {
    if (!reply.isSuccess()) {
      throw reply.getException() != null
          ? reply.getException()
          : new IOException("Raft refused the change: " + reply);
    }
  }
}
