package io.eventstreamcore.node.dashboard;

import java.util.List;

/**
 * The whole cluster as the node serving the page sees it: its own status and every other member's,
 * asked of each; a member that did not answer in time is listed with why.
 */
public record ClusterStatus(
    String servedBy,
    long at,
    String leader,
    boolean membershipActions,
    List<NodeView> nodes,
    List<LeaderTimeline.LeaderChange> leaderChanges) {

  public record NodeView(
      String id, String httpEndpoint, boolean reachable, String error, NodeStatus status) {}
}
