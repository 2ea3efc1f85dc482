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
 * Whether the Raft group a node with empty storage is configured for already runs on its peers
 * without it, as after the operator removed a member whose data was lost. Such a node must join
 * (start outside any configuration and wait to be added) instead of founding the group: Ratis
 * closes a founder as soon as it replays the configuration that removed it. A founder that is still
 * in the running group's configuration (one that merely started late) founds as usual.
 */
final class ExistingGroup {
  private static final Duration TIMEOUT = Duration.ofSeconds(1);

  private ExistingGroup() {}

  /** True if any of {@code peers} knows a leader and a configuration without {@code self}. */
  static boolean runsWithout(String self, List<Peer> peers) {
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
        JsonNode view = r.statusCode() == 200 ? json.readTree(r.body()) : null;
        if (view != null
            && !view.path("leader").asText().isEmpty()
            && view.path("members").findValuesAsText("id").stream().noneMatch(self::equals)) {
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
