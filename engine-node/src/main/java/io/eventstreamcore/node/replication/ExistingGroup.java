package io.eventstreamcore.node.replication;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eventstreamcore.node.security.PeerHttp;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

/**
 * What the peers of a node with empty Raft storage say about the group it is configured for: not
 * running (or not reachable), running without it (the operator removed it after its data was lost:
 * it must join, since Ratis closes a founder as soon as it replays the configuration that removed
 * it), or running with it as a member. In the last case the leader's match index for it tells a
 * founder that merely started late (never acknowledged anything) from one that lost its log.
 */
final class ExistingGroup {
  private static final Duration TIMEOUT = Duration.ofSeconds(1);

  enum Seen {
    NOT_RUNNING,
    RUNS_WITHOUT_SELF,
    RUNS_WITH_SELF
  }

  /** {@code selfMatchIndex} is the leader's match index for this node, -1 when unknown. */
  record Finding(Seen seen, long selfMatchIndex) {}

  private ExistingGroup() {}

  static Finding look(String self, List<Peer> peers, PeerHttp peerHttp) {
    HttpClient http = peerHttp.newClient(TIMEOUT);
    ObjectMapper json = new ObjectMapper();
    Finding found = new Finding(Seen.NOT_RUNNING, -1);
    for (Peer peer : peers) {
      try {
        HttpResponse<String> r =
            http.send(
                peerHttp.request(peer.httpEndpoint() + "/api/v1/cluster").timeout(TIMEOUT).build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode view = r.statusCode() == 200 ? json.readTree(r.body()) : null;
        if (view == null || view.path("leader").asText().isEmpty()) {
          continue;
        }
        JsonNode me = null;
        for (JsonNode m : view.path("members")) {
          if (m.path("id").asText().equals(self)) {
            me = m;
          }
        }
        if (me == null) {
          return new Finding(Seen.RUNS_WITHOUT_SELF, -1);
        }
        long match = me.path("matchIndex").isNumber() ? me.path("matchIndex").asLong() : -1;
        found = new Finding(Seen.RUNS_WITH_SELF, Math.max(found.selfMatchIndex(), match));
      } catch (IOException e) {
        // That peer is down or not up yet: ask the next.
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return found;
      }
    }
    return found;
  }
}
