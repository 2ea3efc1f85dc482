package io.eventstreamcore.node.dashboard;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.eventstreamcore.node.Engine;
import io.eventstreamcore.node.config.NodeConfig;
import io.eventstreamcore.node.replication.Peer;
import io.eventstreamcore.node.security.PeerHttp;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Gathers every member's {@link NodeStatus}: this node's is read here, the others' are asked over
 * HTTP at once, each within the peer timeout, so one stopped or paused node delays the page by that
 * timeout at most and is shown as unreachable.
 */
@ApplicationScoped
public class ClusterCollector {
  static final String NODE_PATH = "/api/v1/dashboard/node";
  private static final int LEADER_CHANGES_SHOWN = 20;

  @Inject Engine engine;
  @Inject Dashboard dashboard;
  @Inject ObjectMapper json;
  @Inject NodeConfig config;
  @Inject PeerHttp peers;

  private HttpClient http;

  @PostConstruct
  void init() {
    http = peers.newClient(Duration.ofMillis(500));
  }

  public CompletableFuture<ClusterStatus> collect(boolean withHistory) {
    String self = engine.raft().selfId();
    List<CompletableFuture<ClusterStatus.NodeView>> asks = new ArrayList<>();
    for (Peer p : engine.raft().peers()) {
      if (p.id().equals(self)) {
        asks.add(
            CompletableFuture.completedFuture(
                dashboard.started()
                    ? new ClusterStatus.NodeView(
                        self, p.httpEndpoint(), true, null, dashboard.status(withHistory))
                    : unreachable(p, "starting")));
      } else {
        asks.add(ask(p, withHistory));
      }
    }
    return CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new))
        .thenApply(
            done -> {
              List<ClusterStatus.NodeView> nodes =
                  asks.stream().map(CompletableFuture::join).toList();
              return new ClusterStatus(
                  self,
                  System.currentTimeMillis(),
                  leader(nodes),
                  config.ui().membershipActions(),
                  nodes,
                  leaderChanges(nodes));
            });
  }

  private CompletableFuture<ClusterStatus.NodeView> ask(Peer peer, boolean withHistory) {
    HttpRequest request =
        peers
            .request(peer.httpEndpoint() + NODE_PATH + "?history=" + withHistory)
            .timeout(config.ui().peerTimeout())
            .build();
    return http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
        .thenApply(
            r -> {
              if (r.statusCode() != 200) {
                return unreachable(peer, "answered HTTP " + r.statusCode());
              }
              try {
                NodeStatus status = json.readValue(r.body(), NodeStatus.class);
                return new ClusterStatus.NodeView(
                    peer.id(), peer.httpEndpoint(), true, null, status);
              } catch (IOException e) {
                return unreachable(peer, "sent a status this node cannot read: " + e.getMessage());
              }
            })
        .exceptionally(e -> unreachable(peer, describe(e)));
  }

  private static ClusterStatus.NodeView unreachable(Peer peer, String why) {
    return new ClusterStatus.NodeView(peer.id(), peer.httpEndpoint(), false, why, null);
  }

  private static String describe(Throwable e) {
    Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    if (cause instanceof HttpTimeoutException) {
      return "no answer within the timeout";
    }
    if (cause instanceof ConnectException) {
      return "connection refused: the node is down or not listening";
    }
    return cause.getClass().getSimpleName()
        + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
  }

  /** The member that says it leads in the highest term; else the leader most members name. */
  private static String leader(List<ClusterStatus.NodeView> nodes) {
    return nodes.stream()
        .filter(n -> n.status() != null && n.status().role().equals("LEADER"))
        .max(Comparator.comparingLong(n -> n.status().term()))
        .map(ClusterStatus.NodeView::id)
        .orElseGet(
            () ->
                nodes.stream()
                    .filter(n -> n.status() != null && !n.status().leader().isEmpty())
                    .max(Comparator.comparingLong(n -> n.status().term()))
                    .map(n -> n.status().leader())
                    .orElse(""));
  }

  /**
   * One entry per term, the newest last. The new leader's own record of a change is preferred: it
   * is the one that measured how long writes waited for it.
   */
  private static List<LeaderTimeline.LeaderChange> leaderChanges(
      List<ClusterStatus.NodeView> nodes) {
    Map<Long, LeaderTimeline.LeaderChange> byTerm = new LinkedHashMap<>();
    for (ClusterStatus.NodeView n : nodes) {
      if (n.status() == null) {
        continue;
      }
      for (LeaderTimeline.LeaderChange c : n.status().leaderChanges()) {
        byTerm.merge(c.term(), c, (a, b) -> preferred(a, b, n.id()));
      }
    }
    List<LeaderTimeline.LeaderChange> all = new ArrayList<>(byTerm.values());
    all.sort(Comparator.comparingLong(LeaderTimeline.LeaderChange::at));
    return all.subList(Math.max(0, all.size() - LEADER_CHANGES_SHOWN), all.size());
  }

  private static LeaderTimeline.LeaderChange preferred(
      LeaderTimeline.LeaderChange kept, LeaderTimeline.LeaderChange other, String otherSeenBy) {
    if (other.to().equals(otherSeenBy) && other.writesWaitedMs() != null) {
      return other;
    }
    if (kept.writesWaitedMs() == null && other.writesWaitedMs() != null) {
      return other;
    }
    return kept;
  }
}
