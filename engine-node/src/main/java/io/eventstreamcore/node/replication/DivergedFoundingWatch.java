package io.eventstreamcore.node.replication;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eventstreamcore.node.security.PeerHttp;
import io.eventstreamcore.protocol.NodeRole;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.jboss.logging.Logger;

/**
 * Watches, on this node, for the state {@link FoundingLogReset} repairs, and repairs it. Only the
 * follower can see it: the leader keeps the match index it last saw for a follower that restarted,
 * so on an idle cluster it may not even count the follower behind. The follower sees its own commit
 * index held at 0 while a leader it hears from has committed more.
 */
public final class DivergedFoundingWatch implements Runnable {
  private static final Logger LOG = Logger.getLogger(DivergedFoundingWatch.class);
  private static final Duration HTTP_TIMEOUT = Duration.ofSeconds(1);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final RaftNode raft;
  private final long heldForMillis;
  private final LongSupplier clock;
  private final PeerHttp peers;
  private HttpClient http;
  private long heldSince = -1;

  /**
   * @param heldFor how long the commit index must stay at 0 behind the leader's; a follower that is
   *     merely slow moves past 0 within a heartbeat or two
   */
  public DivergedFoundingWatch(
      RaftNode raft, Duration heldFor, LongSupplier clock, PeerHttp peers) {
    this.raft = raft;
    this.peers = peers;
    this.heldForMillis = heldFor.toMillis();
    this.clock = clock;
  }

  @Override
  public void run() {
    // Only the commit index moving off 0 ends the watch: a follower that the leader cannot append
    // to keeps timing out into elections it loses, so role and leader flicker meanwhile.
    if (raft.commitIndex() != 0) {
      heldSince = -1;
      return;
    }
    long now = clock.getAsLong();
    if (heldSince < 0) {
      heldSince = now;
    }
    if (now - heldSince < heldForMillis
        || raft.role() != NodeRole.FOLLOWER
        || leaderCommitted() <= 0) {
      return;
    }
    heldSince = -1;
    try {
      Optional<String> refused = raft.resetFoundingLog();
      refused.ifPresent(why -> LOG.debugf("commit index held at 0, log kept: %s", why));
    } catch (IOException | RuntimeException e) {
      LOG.warn("dropping the diverged founding log failed; trying again later", e);
    }
  }

  /** The leader's commit index as it reports it, or -1 when there is none or it does not answer. */
  private long leaderCommitted() {
    Optional<Peer> leader = raft.leader();
    if (leader.isEmpty() || leader.get().id().equals(raft.selfId())) {
      return -1;
    }
    try {
      if (http == null) {
        http = peers.newClient(HTTP_TIMEOUT);
      }
      HttpResponse<String> r =
          http.send(
              peers
                  .request(leader.get().httpEndpoint() + "/api/v1/cluster")
                  .timeout(HTTP_TIMEOUT)
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      JsonNode commit = r.statusCode() == 200 ? JSON.readTree(r.body()).path("commitIndex") : null;
      return commit != null && commit.isNumber() ? commit.asLong() : -1;
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }
}
