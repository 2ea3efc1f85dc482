package io.eventstreamcore.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eventstreamcore.cli.local.LocalNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Produce and read through a node's HTTP API (unsecured), as the end-to-end tests do. */
final class HttpEvents {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private HttpEvents() {}

  /** POSTs {@code events} to {@code topic} on {@code node}; its answer, one result per event. */
  static JsonNode produce(LocalNode node, String topic, List<JsonNode> events) throws Exception {
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(
                    URI.create(node.spec().httpUrl() + "/api/v1/topics/" + topic + "/events"))
                .header("content-type", "application/json")
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(events)))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    return JSON.readTree(r.body());
  }

  /** The ids of up to {@code max} events of {@code topic} on {@code node}, from {@code offset}. */
  static List<String> ids(LocalNode node, String topic, long offset, int max) throws Exception {
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(
                    URI.create(
                        node.spec().httpUrl()
                            + "/api/v1/topics/"
                            + topic
                            + "/events?from="
                            + offset
                            + "&max="
                            + max))
                .timeout(Duration.ofSeconds(30))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    List<String> ids = new ArrayList<>();
    JSON.readTree(r.body()).path("events").forEach(e -> ids.add(e.path("id").asText()));
    return ids;
  }
}
