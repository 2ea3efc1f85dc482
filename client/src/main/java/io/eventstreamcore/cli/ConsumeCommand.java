package io.eventstreamcore.cli;

import io.eventstreamcore.client.Consumer;
import io.eventstreamcore.client.FollowingSubscription;
import io.eventstreamcore.protocol.Event;
import io.eventstreamcore.protocol.Record;
import io.eventstreamcore.protocol.SubscribeRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    mixinStandardHelpOptions = true,
    name = "consume",
    description = "Print committed events of a topic from an offset.")
final class ConsumeCommand implements Callable<Integer> {
  @Mixin Bootstrap bootstrap;
  @Mixin SecurityOptions access;

  @Option(
      names = {"-t", "--topic"},
      required = true,
      description = "Topic, or prefix with --prefix")
  String topic;

  @Option(names = "--from", defaultValue = "0", description = "First offset (default: 0)")
  long from;

  @Option(
      names = {"-n", "--max"},
      defaultValue = "100",
      description = "Stop after this many")
  int max;

  @Option(
      names = {"-f", "--follow"},
      description = "Subscribe and print events as they commit")
  boolean follow;

  @Option(names = "--prefix", description = "With --follow: every topic starting with --topic")
  boolean prefix;

  @Override
  public Integer call() throws Exception {
    if (follow) {
      CountDownLatch done = new CountDownLatch(max);
      // Survives the node it is on: it goes on at another bootstrap node from where it was.
      try (FollowingSubscription s =
          FollowingSubscription.start(
              bootstrap.endpoints(),
              new SubscribeRequest(prefix, topic, from, 256),
              r -> {
                print(r);
                done.countDown();
              },
              access.security())) {
        done.await();
      }
      return 0;
    }
    try (Consumer consumer = new Consumer(bootstrap.endpoints(), topic, from, access.security())) {
      int printed = 0;
      while (printed < max) {
        List<Record> records = consumer.poll(Math.min(500, max - printed), Duration.ofMillis(500));
        if (records.isEmpty()) {
          break;
        }
        records.forEach(ConsumeCommand::print);
        printed += records.size();
      }
    }
    return 0;
  }

  static void print(Record r) {
    Event e = r.event();
    System.out.printf(
        "%s@%d id=%s priority=%s payload=%s%n",
        e.topic(),
        r.offset(),
        e.idAsString(),
        e.priority(),
        new String(e.payload(), StandardCharsets.UTF_8));
  }
}
