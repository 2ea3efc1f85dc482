package io.eventstreamcore.node.replication;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

/**
 * Whether the Raft group a node with empty storage is configured for already runs on its peers.
 * Such a node must join it (start outside any configuration and wait to be added) instead of
 * founding it: a founder with an empty log would be a voter that forgot what it voted for, and
 * Ratis closes it anyway as soon as it replays the configuration that once removed it. At the
 * group's first start no peer knows a leader yet, so every founder founds.
 */
final class ExistingGroup {
  private static final Duration TIMEOUT = Duration.ofSeconds(1);

  private ExistingGroup() {}

  /** True if any of {@code peers} answers that it knows a leader. */
  static boolean runsAt(List<Peer> peers) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    ObjectMapper json = new ObjectMapper();
    for (Peer peer : peers) {
      try {
        HttpResponse<String> r =
            http.send(
                HttpRequest.newBuilder(URI.create(peer.httpEndpoint() + "/api/v1/cluster"))
                    .timeout(TIMEOUT)
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode leader = r.statusCode() == 200 ? json.readTree(r.body()).get("leader") : null;
        if (leader != null && !leader.asText().isEmpty()) {
          return true;
        }
      } catch (IOException e) {
        // That peer is down or not up yet: ask the next.
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return false;
  }
}
