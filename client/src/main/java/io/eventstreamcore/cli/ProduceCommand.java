package io.eventstreamcore.cli;

import io.eventstreamcore.client.Producer;
import io.eventstreamcore.protocol.Event;
import io.eventstreamcore.protocol.Priority;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    mixinStandardHelpOptions = true,
    name = "produce",
    description = "Produce events: one per argument, or one per line of standard input.")
final class ProduceCommand implements Callable<Integer> {
  @Mixin Bootstrap bootstrap;
  @Mixin SecurityOptions access;

  @Option(
      names = {"-t", "--topic"},
      required = true)
  String topic;

  @Option(
      names = {"-p", "--priority"},
      defaultValue = "MEDIUM",
      description = "${COMPLETION-CANDIDATES}")
  Priority priority;

  @Option(
      names = "--id-prefix",
      description = "Event ids are PREFIX-N (default: a random UUID each)")
  String idPrefix;

  @Parameters(arity = "0..*", description = "Payloads; without any, lines of stdin")
  List<String> payloads = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    List<String> lines = payloads;
    if (lines.isEmpty()) {
      lines =
          new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))
              .lines()
              .toList();
    }
    List<CompletableFuture<Long>> acks = new ArrayList<>();
    try (Producer producer =
        new Producer(
            Producer.Settings.defaults(bootstrap.endpoints()).withSecurity(access.security()))) {
      for (int i = 0; i < lines.size(); i++) {
        String id = idPrefix == null ? UUID.randomUUID().toString() : idPrefix + "-" + i;
        acks.add(
            producer.send(
                Event.of(id, topic, priority, lines.get(i).getBytes(StandardCharsets.UTF_8))));
      }
    }
    int failed = 0;
    for (int i = 0; i < acks.size(); i++) {
      try {
        System.out.printf("%s offset %d%n", topic, acks.get(i).join());
      } catch (RuntimeException e) {
        failed++;
        System.err.printf(
            "event %d not stored: %s%n", i, e.getCause() != null ? e.getCause().getMessage() : e);
      }
    }
    return failed == 0 ? 0 : 1;
  }
}
