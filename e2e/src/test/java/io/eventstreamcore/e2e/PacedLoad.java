package io.eventstreamcore.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventstreamcore.client.Producer;
import io.eventstreamcore.protocol.Event;
import io.eventstreamcore.protocol.Priority;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/**
 * A producer thread as a real application runs one: unique ids {@code id-0, id-1, …}, every
 * retryable failure retried with the same id (the client's default), paced in bursts. It stops
 * after {@code max} sends or when told, and remembers each acknowledged id with its offset and when
 * each acknowledgement came.
 */
final class PacedLoad {
  private final Map<String, Long> acked = new ConcurrentHashMap<>();
  private final Queue<Long> ackedAtNanos = new ConcurrentLinkedQueue<>();
  private final Thread thread;
  private final int max;
  private volatile boolean stop;

  /**
   * @param burst events sent between pauses of {@code pauseMillis}
   */
  PacedLoad(List<String> bootstrap, String topic, int max, int burst, long pauseMillis, int bytes) {
    this(bootstrap, topic, max, burst, pauseMillis, bytes, Duration.ofSeconds(30));
  }

  /**
   * @param deliveryTimeout how long each send is retried before it fails for good
   */
  PacedLoad(
      List<String> bootstrap,
      String topic,
      int max,
      int burst,
      long pauseMillis,
      int bytes,
      Duration deliveryTimeout) {
    this(bootstrap, topic, "id-", max, burst, pauseMillis, bytes, deliveryTimeout);
  }

  /**
   * @param idPrefix what every id starts with, so that several loads can share a topic
   */
  PacedLoad(
      List<String> bootstrap,
      String topic,
      String idPrefix,
      int max,
      int burst,
      long pauseMillis,
      int bytes,
      Duration deliveryTimeout) {
    this.max = max;
    this.thread =
        new Thread(
            () -> {
              try (Producer p =
                  new Producer(
                      Producer.Settings.defaults(bootstrap).withDeliveryTimeout(deliveryTimeout))) {
                List<CompletableFuture<Long>> sends = new ArrayList<>();
                for (int i = 0; i < max && !stop; i++) {
                  String id = idPrefix + i;
                  sends.add(
                      p.send(Event.of(id, topic, Priority.HIGH, new byte[bytes]))
                          .whenComplete(
                              (offset, error) -> {
                                if (error == null) {
                                  acked.put(id, offset);
                                  ackedAtNanos.add(System.nanoTime());
                                }
                              }));
                  if (i % burst == burst - 1) {
                    Thread.sleep(pauseMillis);
                  }
                }
                CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new))
                    .exceptionally(e -> null)
                    .get(60, TimeUnit.SECONDS);
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            },
            "paced-load-" + idPrefix);
  }

  PacedLoad start() {
    thread.start();
    return this;
  }

  /** Acknowledged ids and their offsets so far. */
  Map<String, Long> acked() {
    return acked;
  }

  /** {@link System#nanoTime} of every acknowledgement so far, in no particular order. */
  List<Long> ackTimes() {
    return List.copyOf(ackedAtNanos);
  }

  /** Waits up to a minute for that many acknowledgements (or all, if fewer were to be sent). */
  void awaitAcked(int atLeast) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (acked.size() < Math.min(atLeast, max)) {
      assertThat(System.nanoTime()).as("%d acknowledged", atLeast).isLessThan(deadline);
      Thread.sleep(20);
    }
  }

  /** Stops sending and waits for the answers to what was sent. */
  void stop() throws InterruptedException {
    stop = true;
    thread.join(90_000);
  }
}
