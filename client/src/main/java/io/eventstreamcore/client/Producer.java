package io.eventstreamcore.client;

import io.eventstreamcore.protocol.ErrorCode;
import io.eventstreamcore.protocol.Event;
import io.eventstreamcore.protocol.EventCodec;
import io.eventstreamcore.protocol.FrameType;
import io.eventstreamcore.protocol.ProduceAck;
import io.eventstreamcore.protocol.Topics;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Asynchronous producer. Events are collected for up to {@code linger} or {@code batchSize} events
 * into one PRODUCE request; at most {@code maxInFlight} requests are outstanding (further sends
 * block, which is the backpressure). Retryable failures are retried with the same encoded event,
 * hence the same id, until {@code deliveryTimeout}.
 */
public final class Producer implements AutoCloseable {

  /** Producer settings; {@link #defaults(List)} gives sane ones. */
  public record Settings(
      List<String> bootstrap,
      int batchSize,
      Duration linger,
      int maxInFlight,
      Duration deliveryTimeout,
      Duration retryBackoff,
      Duration requestTimeout,
      ClientSecurity security) {
    /** Settings for a cluster that runs without security. */
    public Settings(
        List<String> bootstrap,
        int batchSize,
        Duration linger,
        int maxInFlight,
        Duration deliveryTimeout,
        Duration retryBackoff,
        Duration requestTimeout) {
      this(
          bootstrap,
          batchSize,
          linger,
          maxInFlight,
          deliveryTimeout,
          retryBackoff,
          requestTimeout,
          ClientSecurity.NONE);
    }

    public static Settings defaults(List<String> bootstrap) {
      return new Settings(
          bootstrap,
          256,
          Duration.ofMillis(1),
          32,
          Duration.ofSeconds(30),
          Duration.ofMillis(50),
          Duration.ofSeconds(20),
          ClientSecurity.NONE);
    }

    public Settings withBatchSize(int n) {
      return new Settings(
          bootstrap,
          n,
          linger,
          maxInFlight,
          deliveryTimeout,
          retryBackoff,
          requestTimeout,
          security);
    }

    public Settings withMaxInFlight(int n) {
      return new Settings(
          bootstrap, batchSize, linger, n, deliveryTimeout, retryBackoff, requestTimeout, security);
    }

    public Settings withLinger(Duration d) {
      return new Settings(
          bootstrap,
          batchSize,
          d,
          maxInFlight,
          deliveryTimeout,
          retryBackoff,
          requestTimeout,
          security);
    }

    /** How long an event is retried before its send fails for good. */
    public Settings withDeliveryTimeout(Duration d) {
      return new Settings(
          bootstrap, batchSize, linger, maxInFlight, d, retryBackoff, requestTimeout, security);
    }

    /** TLS and credentials for a secured cluster. */
    public Settings withSecurity(ClientSecurity s) {
      return new Settings(
          bootstrap,
          batchSize,
          linger,
          maxInFlight,
          deliveryTimeout,
          retryBackoff,
          requestTimeout,
          s);
    }

    /** Retryable failures fail at once: for callers that must know each attempt's outcome. */
    public Settings withoutRetries() {
      return withDeliveryTimeout(Duration.ZERO);
    }
  }

  private record Item(byte[] event, CompletableFuture<Long> result, long deadlineNanos) {}

  /** A request carries at most this many event bytes (unless one event alone is larger). */
  static final int MAX_REQUEST_BYTES = 1 << 20;

  private final Settings settings;
  private final Endpoints endpoints;
  private final Semaphore inFlight;
  private final StalledLeaderWatch leaderWatch;
  private final LeaderWait<List<Item>> leaderWait;
  private final ScheduledExecutorService timer;
  private final Object lock = new Object();
  private final java.util.Set<CompletableFuture<Long>> unanswered =
      java.util.concurrent.ConcurrentHashMap.newKeySet();
  private List<Item> open = new ArrayList<>();
  private int openBytes;
  private volatile boolean closed;

  public Producer(Settings settings) {
    this.settings = settings;
    this.endpoints = new Endpoints(settings.bootstrap(), true, settings.security());
    this.inFlight = new Semaphore(settings.maxInFlight());
    this.timer = DaemonTimer.named("esc-producer-linger");
    long lingerNanos = Math.max(settings.linger().toNanos(), 100_000);
    timer.scheduleAtFixedRate(this::flush, lingerNanos, lingerNanos, TimeUnit.NANOSECONDS);
    this.leaderWatch = new StalledLeaderWatch(endpoints);
    this.leaderWait = new LeaderWait<>(endpoints, this::sendBatch, this::expireHeld);
  }

  /** Completes with the event's topic offset once a quorum has it durably. */
  public CompletableFuture<Long> send(Event event) {
    if (closed) {
      throw new IllegalStateException("producer is closed");
    }
    CompletableFuture<Long> result = new CompletableFuture<>();
    unanswered.add(result);
    result.whenComplete((offset, error) -> unanswered.remove(result));
    add(
        new Item(
            EventCodec.encode(event),
            result,
            System.nanoTime() + settings.deliveryTimeout().toNanos()));
    return result;
  }

  private void add(Item item) {
    List<Item> before = null;
    List<Item> full = null;
    synchronized (lock) {
      if (!open.isEmpty() && openBytes + item.event().length > MAX_REQUEST_BYTES) {
        before = takeOpen();
      }
      open.add(item);
      openBytes += item.event().length;
      if (open.size() >= settings.batchSize()) {
        full = takeOpen();
      }
    }
    if (before != null) {
      dispatch(before);
    }
    if (full != null) {
      dispatch(full);
    }
  }

  private List<Item> takeOpen() {
    List<Item> taken = open;
    open = new ArrayList<>();
    openBytes = 0;
    return taken;
  }

  /** Sends whatever is collected now. */
  public void flush() {
    List<Item> batch;
    synchronized (lock) {
      if (open.isEmpty()) {
        return;
      }
      batch = takeOpen();
    }
    dispatch(batch);
  }

  private void dispatch(List<Item> batch) {
    try {
      inFlight.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      batch.forEach(i -> i.result().completeExceptionally(e));
      return;
    }
    sendBatch(batch);
  }

  /** Sends a batch that holds an in-flight slot, or holds it until a node names a leader. */
  private void sendBatch(List<Item> batch) {
    Connection conn;
    try {
      conn = endpoints.connection();
    } catch (IOException e) {
      inFlight.release();
      retryAll(batch, new EscException(ErrorCode.UNAVAILABLE, e.getMessage(), ""));
      return;
    }
    if (endpoints.namesNoLeader(conn)) {
      leaderWait.hold(batch);
      return;
    }
    conn.request(
            FrameType.PRODUCE,
            w -> {
              w.i32(batch.size());
              for (Item i : batch) {
                w.raw(i.event());
              }
            })
        .orTimeout(settings.requestTimeout().toMillis(), TimeUnit.MILLISECONDS)
        .whenComplete(
            (frame, error) -> {
              inFlight.release();
              if (error instanceof java.util.concurrent.TimeoutException) {
                // A node that does not answer at all is not trusted with more requests.
                conn.close();
                error =
                    new EscException(
                        ErrorCode.TIMEOUT,
                        "no answer from "
                            + conn.endpoint()
                            + " within "
                            + settings.requestTimeout(),
                        "");
              }
              if (error != null) {
                EscException e = EscException.of(error);
                endpoints.failed(conn, e);
                retryAll(batch, e);
                return;
              }
              ProduceAck ack = ProduceAck.read(frame.reader());
              List<Item> again = new ArrayList<>();
              long retryAfterMillis = 0;
              boolean notLeader = false;
              for (int i = 0; i < batch.size(); i++) {
                Item item = batch.get(i);
                ErrorCode code = ack.codes()[i];
                notLeader |= code == ErrorCode.NOT_LEADER;
                if (code == ErrorCode.OK || code == ErrorCode.DUPLICATE) {
                  // DUPLICATE: an earlier send of this id was stored; its offset is the answer.
                  item.result().complete(ack.offsets()[i]);
                } else if (code.retryable() && System.nanoTime() < item.deadlineNanos()) {
                  again.add(item);
                  if (code == ErrorCode.OVERLOADED) {
                    // The node sheds this priority for now: its hint says when to come back.
                    retryAfterMillis = Math.max(retryAfterMillis, ack.offsets()[i]);
                  }
                } else if (code == ErrorCode.DEAD_LETTERED) {
                  item.result()
                      .completeExceptionally(
                          new EscException(
                              code,
                              "stored in the dead-letter queue "
                                  + Topics.DEAD_LETTER
                                  + " at offset "
                                  + ack.offsets()[i],
                              ""));
                } else {
                  item.result().completeExceptionally(new EscException(code, refusal(code), ""));
                }
              }
              if (notLeader) {
                // Also when none of these events is retried: later ones must not go to this node.
                endpoints.failed(conn, new EscException(ErrorCode.NOT_LEADER, "", ""));
              }
              if (!again.isEmpty()) {
                later(again, retryAfterMillis);
              }
            });
  }

  /** An ack carries a code per event but no text: what the code means to the caller. */
  private static String refusal(ErrorCode code) {
    return code == ErrorCode.STORAGE_FULL
        ? "event refused: the leader's data volume is full; it takes events again once space is"
            + " freed"
        : "event refused";
  }

  private void retryAll(List<Item> batch, EscException e) {
    List<Item> again = new ArrayList<>();
    for (Item item : batch) {
      if (e.retryable() && System.nanoTime() < item.deadlineNanos()) {
        again.add(item);
      } else {
        item.result().completeExceptionally(e);
      }
    }
    if (!again.isEmpty()) {
      later(again, 0);
    }
  }

  /**
   * Fails the held batch's events whose delivery timeout has passed; true (and its in-flight slot
   * freed) if none is left.
   */
  private boolean expireHeld(List<Item> batch) {
    long now = System.nanoTime();
    batch.removeIf(
        item -> {
          if (now < item.deadlineNanos()) {
            return false;
          }
          item.result()
              .completeExceptionally(
                  new EscException(
                      ErrorCode.UNAVAILABLE,
                      "no node named a leader within the delivery timeout",
                      ""));
          return true;
        });
    if (!batch.isEmpty()) {
      return false;
    }
    inFlight.release();
    return true;
  }

  private void later(List<Item> items, long notBeforeMillis) {
    timer.schedule(
        () -> items.forEach(this::add),
        Math.max(notBeforeMillis, settings.retryBackoff().toMillis()),
        TimeUnit.MILLISECONDS);
  }

  /**
   * Sends what is collected and waits until every event sent so far has its final answer (retries
   * included, so at most the delivery timeout); whatever is still open then fails.
   */
  @Override
  public void close() {
    closed = true;
    long deadline = System.nanoTime() + settings.deliveryTimeout().toNanos() + 5_000_000_000L;
    while (!unanswered.isEmpty() && System.nanoTime() < deadline) {
      flush();
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    timer.shutdownNow();
    leaderWatch.close();
    leaderWait.close();
    List.copyOf(unanswered)
        .forEach(f -> f.completeExceptionally(new IllegalStateException("producer closed")));
    endpoints.close();
  }
}
