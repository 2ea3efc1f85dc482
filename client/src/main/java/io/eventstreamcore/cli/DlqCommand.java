package io.eventstreamcore.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eventstreamcore.client.EscException;
import io.eventstreamcore.client.Producer;
import io.eventstreamcore.protocol.ErrorCode;
import io.eventstreamcore.protocol.Event;
import io.eventstreamcore.protocol.Header;
import io.eventstreamcore.protocol.Priority;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code esc dlq list|replay|purge}: the dead-letter queue through a node's HTTP API. */
@Command(
    name = "dlq",
    mixinStandardHelpOptions = true,
    description = "List, replay or purge dead-lettered events.",
    subcommands = {DlqCommand.ListLetters.class, DlqCommand.Replay.class, DlqCommand.Purge.class})
final class DlqCommand {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Which letters a list or replay takes. */
  static final class Filter {
    @Option(names = "--topic", description = "Only letters from this original topic")
    String topic;

    @Option(names = "--reason", description = "Only letters whose reason contains this text")
    String reason;

    @Option(names = "--from", defaultValue = "0", description = "DLQ offset to start at")
    long from;

    @Option(names = "--max", defaultValue = "100", description = "Most letters (default 100)")
    int max;

    String query(long start, int limit) {
      StringBuilder q =
          new StringBuilder("/api/v1/dlq?from=").append(start).append("&max=").append(limit);
      if (topic != null) {
        q.append("&topic=").append(URLEncoder.encode(topic, StandardCharsets.UTF_8));
      }
      if (reason != null) {
        q.append("&reason=").append(URLEncoder.encode(reason, StandardCharsets.UTF_8));
      }
      return q.toString();
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "Print letters (JSON).")
  static final class ListLetters implements Callable<Integer> {
    @Mixin HttpGet http;
    @Mixin Filter filter;

    @Override
    public Integer call() throws Exception {
      return http.print(filter.query(filter.from, Math.min(filter.max, 1_000)));
    }
  }

  @Command(
      name = "replay",
      mixinStandardHelpOptions = true,
      description =
          "Send letters to their original topic again with their original id (dedup applies), "
              + "then print how many were stored.")
  static final class Replay implements Callable<Integer> {
    @Mixin HttpGet http;
    @Mixin Filter filter;
    @Mixin Bootstrap bootstrap;

    @Option(
        names = "--chunk",
        defaultValue = "500",
        description = "Letters sent before waiting for their answers (default 500)")
    int chunk;

    @Option(
        names = "--rounds",
        defaultValue = "10",
        description =
            "Times letters the node dead-letters again (it is shedding their class) are retried,"
                + " a second apart (default 10)")
    int rounds;

    @Override
    public Integer call() throws Exception {
      List<JsonNode> letters = fetch();
      int stored = 0;
      List<String> failures = new ArrayList<>();
      List<JsonNode> pending = letters;
      try (Producer producer =
          new Producer(
              Producer.Settings.defaults(bootstrap.endpoints())
                  .withSecurity(http.access.security()))) {
        for (int round = 0; round < rounds && !pending.isEmpty(); round++) {
          if (round > 0) {
            System.out.printf("%d letters were dead-lettered again; retrying%n", pending.size());
            Thread.sleep(1_000);
          }
          List<JsonNode> shedAgain = new ArrayList<>();
          for (int from = 0; from < pending.size(); from += chunk) {
            List<JsonNode> part = pending.subList(from, Math.min(from + chunk, pending.size()));
            List<CompletableFuture<Long>> sends = new ArrayList<>();
            for (JsonNode letter : part) {
              sends.add(producer.send(original(letter)));
            }
            for (int i = 0; i < sends.size(); i++) {
              try {
                sends.get(i).join();
                stored++;
              } catch (RuntimeException e) {
                EscException error = EscException.of(e);
                if (error.code() == ErrorCode.DEAD_LETTERED) {
                  shedAgain.add(part.get(i));
                } else {
                  failures.add(offsetOf(part.get(i)) + ": " + error.getMessage());
                }
              }
            }
          }
          pending = shedAgain;
        }
      }
      pending.forEach(l -> failures.add(offsetOf(l) + ": still dead-lettered by the node"));
      System.out.printf("replayed %d of %d letters%n", stored, letters.size());
      failures.forEach(f -> System.out.println("  not stored: " + f));
      return failures.isEmpty() ? 0 : 1;
    }

    private static String offsetOf(JsonNode letter) {
      return "DLQ offset " + letter.get("offset").asLong();
    }

    private List<JsonNode> fetch() throws Exception {
      List<JsonNode> letters = new ArrayList<>();
      long next = filter.from;
      while (letters.size() < filter.max) {
        HttpResponse<String> r =
            http.get(
                http.base() + filter.query(next, Math.min(filter.max - letters.size(), 1_000)));
        if (r.statusCode() != 200) {
          throw new IllegalStateException(
              "listing the DLQ failed: " + r.statusCode() + " " + r.body());
        }
        JsonNode page = JSON.readTree(r.body());
        page.get("letters").forEach(letters::add);
        if (page.get("next").asLong() <= next
            || page.get("next").asLong() >= page.get("endOffset").asLong()) {
          break;
        }
        next = page.get("next").asLong();
      }
      return letters;
    }

    private static Event original(JsonNode letter) {
      JsonNode e = letter.get("event");
      List<Header> headers = new ArrayList<>();
      e.path("headers")
          .fields()
          .forEachRemaining(
              h ->
                  headers.add(
                      new Header(
                          h.getKey(), h.getValue().asText().getBytes(StandardCharsets.UTF_8))));
      return new Event(
          e.get("id").asText().getBytes(StandardCharsets.UTF_8),
          letter.get("topic").asText(),
          Priority.valueOf(e.get("priority").asText()),
          e.get("timestamp").asLong(),
          headers,
          Base64.getDecoder().decode(e.get("payloadBase64").asText()));
    }
  }

  @Command(
      name = "purge",
      mixinStandardHelpOptions = true,
      description = "Hide letters below an offset (all of them by default) from list and replay.")
  static final class Purge implements Callable<Integer> {
    @Mixin HttpGet http;

    @Option(names = "--before", description = "First DLQ offset to keep (default: the end)")
    Long before;

    @Override
    public Integer call() throws Exception {
      HttpResponse<String> r =
          http.post(
              http.base() + "/api/v1/dlq/purge" + (before == null ? "" : "?before=" + before));
      System.out.println(r.body());
      return r.statusCode() == 200 ? 0 : 1;
    }
  }
}
