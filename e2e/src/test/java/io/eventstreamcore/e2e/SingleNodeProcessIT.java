package io.eventstreamcore.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventstreamcore.cli.local.LocalNode;
import io.eventstreamcore.client.Connection;
import io.eventstreamcore.client.Consumer;
import io.eventstreamcore.client.Producer;
import io.eventstreamcore.client.Subscription;
import io.eventstreamcore.protocol.Event;
import io.eventstreamcore.protocol.MetadataResult;
import io.eventstreamcore.protocol.NodeRole;
import io.eventstreamcore.protocol.Priority;
import io.eventstreamcore.protocol.Record;
import io.eventstreamcore.protocol.SubscribeRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Produce and consume over TCP and HTTP against a real engine-node process. */
class SingleNodeProcessIT {
  @TempDir static Path dir;
  static LocalNode node;
  static final HttpClient HTTP = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    node = Nodes.single(dir.resolve("n1"));
    node.start();
    node.awaitReady(Duration.ofSeconds(60));
  }

  @AfterAll
  static void stop() throws Exception {
    node.stop();
  }

  @Test
  void tcpProduceThenFetchAndSubscribeSeeEveryEventInOrder() throws Exception {
    String endpoint = node.spec().clientEndpoint();
    List<Record> pushed = new CopyOnWriteArrayList<>();
    try (Connection c = Connection.open(endpoint);
        Subscription sub =
            Subscription.start(c, new SubscribeRequest(false, "tcp", 0, 100), pushed::add)) {
      List<CompletableFuture<Long>> acks = new ArrayList<>();
      try (Producer p = new Producer(Producer.Settings.defaults(List.of(endpoint)))) {
        for (int i = 0; i < 2000; i++) {
          acks.add(p.send(Event.of("tcp-" + i, "tcp", Priority.HIGH, ("v" + i).getBytes())));
        }
      }
      // With several requests in flight, a send the node refused for a moment (retryable) is
      // retried after later ones: each event still lands once, at the offset its ack names.
      Map<Long, String> idAt = new HashMap<>();
      for (int i = 0; i < acks.size(); i++) {
        assertThat(idAt.put(acks.get(i).join(), "tcp-" + i)).as("offset given twice").isNull();
      }
      assertThat(idAt.keySet())
          .containsExactlyInAnyOrderElementsOf(LongStream.range(0, 2000).boxed().toList());
      try (Consumer consumer = new Consumer(List.of(endpoint), "tcp", 0)) {
        List<Record> all = new ArrayList<>();
        while (all.size() < 2000) {
          List<Record> got = consumer.poll(300, Duration.ofSeconds(2));
          assertThat(got).isNotEmpty();
          all.addAll(got);
        }
        for (int i = 0; i < all.size(); i++) {
          assertThat(all.get(i).offset()).isEqualTo(i);
          assertThat(all.get(i).event().idAsString()).isEqualTo(idAt.get((long) i));
        }
        assertThat(consumer.poll(10, Duration.ofMillis(200))).isEmpty();
      }
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (pushed.size() < 2000 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(pushed).hasSize(2000);
      assertThat(pushed.get(1999).event().idAsString()).isEqualTo(idAt.get(1999L));

      MetadataResult md = c.metadata();
      assertThat(md.role()).isEqualTo(NodeRole.LEADER);
      assertThat(md.leaderId()).isEqualTo("n1");
      assertThat(md.members()).hasSize(1);
    }
  }

  @Test
  void httpProduceAndReadWithProblemJsonForBadInput() throws Exception {
    String base = node.spec().httpUrl() + "/api/v1/topics/";
    HttpResponse<String> produced =
        post(
            base + "http.orders/events",
            "[{\"id\":\"h-1\",\"priority\":\"CRITICAL\",\"payload\":\"hello\"},"
                + "{\"id\":\"h-2\",\"payloadBase64\":\"AAEC\",\"headers\":{\"k\":\"v\"}}]");
    assertThat(produced.statusCode()).isEqualTo(200);
    assertThat(produced.body()).contains("\"offset\":0").contains("\"offset\":1");

    HttpResponse<String> read = get(base + "http.orders/events?from=0&max=10");
    assertThat(read.statusCode()).isEqualTo(200);
    assertThat(read.body())
        .contains("\"id\":\"h-1\"", "\"payload\":\"hello\"", "\"priority\":\"CRITICAL\"")
        .contains("\"payloadBase64\":\"AAEC\"", "\"endOffset\":2");

    HttpResponse<String> badTopic = post(base + "bad%20topic/events", "{\"id\":\"x\"}");
    assertThat(badTopic.statusCode()).isEqualTo(400);
    assertThat(badTopic.headers().firstValue("content-type"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("application/problem+json"));
    assertThat(badTopic.body()).contains("INVALID_TOPIC").contains("allowed are");

    HttpResponse<String> noId = post(base + "ok/events", "{\"payload\":\"x\"}");
    assertThat(noId.statusCode()).isEqualTo(400);
    assertThat(noId.body()).contains("needs an 'id'");

    HttpResponse<String> badPriority =
        post(base + "ok/events", "{\"id\":\"a\",\"priority\":\"URGENT\"}");
    assertThat(badPriority.statusCode()).isEqualTo(400);
    assertThat(badPriority.body()).contains("URGENT");

    HttpResponse<String> notJson = post(base + "ok/events", "{\"id\": ");
    assertThat(notJson.statusCode()).isEqualTo(400);
    assertThat(notJson.body()).contains("not valid JSON").contains("problem");

    HttpResponse<String> outOfRange = get(base + "http.orders/events?from=99");
    assertThat(outOfRange.statusCode()).isEqualTo(416);
    assertThat(outOfRange.body()).contains("OFFSET_OUT_OF_RANGE");

    assertThat(get(node.spec().httpUrl() + "/api/v1/topics").body()).contains("http.orders");
    assertThat(get(node.spec().httpUrl() + "/api/v1/node").body())
        .contains("\"role\":\"LEADER\"", "\"id\":\"n1\"");
    String metrics = get(node.spec().httpUrl() + "/q/metrics").body();
    assertThat(metrics)
        .contains("esc_events_in_total{priority=\"CRITICAL\",topic=\"http.orders\"}")
        .contains("esc_events_out_total{priority=\"CRITICAL\",topic=\"http.orders\"} 1.0")
        .contains("esc_produce_ack_latency_seconds_bucket")
        .contains("esc_batch_events")
        .contains("esc_raft_log_syncs_total")
        .contains("esc_raft_log_sync_time_seconds");
    assertThat(get(node.spec().httpUrl() + "/q/health/live").statusCode()).isEqualTo(200);
    assertThat(get(node.spec().httpUrl() + "/q/health/started").statusCode()).isEqualTo(200);
    assertThat(get(node.spec().httpUrl() + "/q/health/ready").body())
        .containsPattern("\"leader\":\\s*\"n1\"");
  }

  private static HttpResponse<String> post(String url, String json) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(url))
            .header("content-type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> get(String url) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
