package io.eventstreamcore.cli;

import io.eventstreamcore.client.EscException;
import io.eventstreamcore.client.Producer;
import io.eventstreamcore.protocol.ErrorCode;
import io.eventstreamcore.protocol.Event;
import io.eventstreamcore.protocol.Priority;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Offers the cluster more BATCH events than it takes, so that it sheds the class, and sends events
 * of a topic whose policy dead-letters them meanwhile: the demo's way to put real dead letters in
 * the queue for the dashboard to show. Bounded in events and in time.
 */
final class DeadLetterBurst {
  private static final int MAX_BULK_EVENTS = 2_000_000;
  private static final int AUDIT_EVERY = 2_000;
  private static final byte[] PAYLOAD = "x".repeat(100).getBytes(StandardCharsets.UTF_8);

  private DeadLetterBurst() {}

  /** How many events of {@code auditTopic} were dead-lettered before the burst stopped. */
  static int run(List<String> bootstrap, String bulkTopic, String auditTopic, Duration atMost)
      throws InterruptedException {
    long deadline = System.nanoTime() + atMost.toNanos();
    List<CompletableFuture<Long>> audits = new ArrayList<>();
    try (Producer producer = new Producer(Producer.Settings.defaults(bootstrap).withoutRetries())) {
      for (int i = 0; i < MAX_BULK_EVENTS && System.nanoTime() < deadline; i++) {
        producer.send(Event.of("bulk-" + i, bulkTopic, Priority.BATCH, PAYLOAD));
        if (i % AUDIT_EVERY == 0) {
          String id = "audit-" + i / AUDIT_EVERY;
          byte[] payload =
              ("{\"order\":" + i / AUDIT_EVERY + ",\"action\":\"refund\"}")
                  .getBytes(StandardCharsets.UTF_8);
          audits.add(producer.send(Event.of(id, auditTopic, Priority.BATCH, payload)));
          if (deadLettered(audits) > 0) {
            break;
          }
        }
      }
      producer.flush();
    }
    return deadLettered(audits);
  }

  private static int deadLettered(List<CompletableFuture<Long>> sends) {
    int n = 0;
    for (CompletableFuture<Long> s : sends) {
      if (s.isCompletedExceptionally()) {
        try {
          s.join();
        } catch (CompletionException e) {
          if (EscException.of(e).code() == ErrorCode.DEAD_LETTERED) {
            n++;
          }
        }
      }
    }
    return n;
  }
}
