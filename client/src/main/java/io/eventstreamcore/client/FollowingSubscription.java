package io.eventstreamcore.client;

import io.eventstreamcore.protocol.ErrorCode;
import io.eventstreamcore.protocol.FetchRequest;
import io.eventstreamcore.protocol.FetchResult;
import io.eventstreamcore.protocol.FrameType;
import io.eventstreamcore.protocol.Record;
import io.eventstreamcore.protocol.SubscribeRequest;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A subscription that outlives the node it is on. It keeps each topic's next offset; when its
 * connection is lost it subscribes again at another node from there and drops what it delivered
 * already, so the listener sees every committed event once, in offset order per topic, across node
 * failures. An exact-topic subscription from the end starts at the end as it was when this started.
 * A prefix subscription resumes from the start of each topic and skips what it has delivered, so
 * after a reconnect it also delivers events that were in a topic before it first subscribed, if it
 * had delivered none of that topic yet; subscribe from the start or from an offset to avoid that.
 */
public final class FollowingSubscription implements AutoCloseable {
  private static final long RECONNECT_PAUSE_MS = 200;

  private final Endpoints endpoints;
  private final SubscribeRequest request;
  private final Subscription.Listener listener;
  private final Map<String, Long> next = new ConcurrentHashMap<>();
  private final Thread follower;
  private volatile boolean closed;
  private volatile int resubscriptions;

  private FollowingSubscription(
      List<String> bootstrap,
      SubscribeRequest request,
      Subscription.Listener listener,
      ClientSecurity security) {
    this.endpoints = new Endpoints(bootstrap, false, security);
    this.request = request;
    this.listener = listener;
    this.follower = new Thread(this::follow, "esc-following-" + request.topic());
    this.follower.setDaemon(true);
  }

  /**
   * Subscribes at the first reachable node of {@code bootstrap}.
   *
   * @throws IOException when no node answers, or the end of an exact topic cannot be learnt
   */
  public static FollowingSubscription start(
      List<String> bootstrap, SubscribeRequest request, Subscription.Listener listener)
      throws IOException {
    return start(bootstrap, request, listener, ClientSecurity.NONE);
  }

  /** As {@link #start(List, SubscribeRequest, Subscription.Listener)}, over a secured cluster. */
  public static FollowingSubscription start(
      List<String> bootstrap,
      SubscribeRequest request,
      Subscription.Listener listener,
      ClientSecurity security)
      throws IOException {
    FollowingSubscription s = new FollowingSubscription(bootstrap, request, listener, security);
    if (!request.prefix() && request.fromOffset() == SubscribeRequest.FROM_END) {
      s.next.put(request.topic(), s.endOf(request.topic()));
    }
    s.follower.start();
    return s;
  }

  /** How often it has subscribed again after losing a node. */
  public int resubscriptions() {
    return resubscriptions;
  }

  private long endOf(String topic) throws IOException {
    Connection conn = endpoints.connection();
    try {
      return FetchResult.read(
              conn.request(FrameType.FETCH, new FetchRequest(topic, 0, 1, 1, 0)::write)
                  .get(10, TimeUnit.SECONDS)
                  .reader())
          .endOffset();
    } catch (Exception e) {
      endpoints.failed(conn, EscException.of(e));
      throw new IOException("could not learn where " + topic + " ends: " + e.getMessage(), e);
    }
  }

  private void follow() {
    boolean first = true;
    while (!closed) {
      Connection conn;
      try {
        conn = endpoints.connection();
      } catch (IOException e) {
        pause();
        continue;
      }
      Subscription.start(conn, first ? firstRequest() : resumeRequest(), this::deliver);
      if (!first) {
        resubscriptions++;
      }
      first = false;
      while (!closed && conn.isOpen()) {
        pause();
      }
      endpoints.failed(
          conn, new EscException(ErrorCode.UNAVAILABLE, "subscription connection lost", ""));
    }
  }

  private SubscribeRequest firstRequest() {
    Long from = next.get(request.topic());
    return from == null ? request : resumeRequest();
  }

  private SubscribeRequest resumeRequest() {
    if (request.prefix()) {
      return new SubscribeRequest(
          true,
          request.topic(),
          request.fromOffset() >= 0 ? request.fromOffset() : SubscribeRequest.FROM_START,
          request.credits());
    }
    long from =
        next.getOrDefault(
            request.topic(),
            request.fromOffset() >= 0 ? request.fromOffset() : SubscribeRequest.FROM_START);
    return new SubscribeRequest(false, request.topic(), from, request.credits());
  }

  private synchronized void deliver(Record record) {
    String topic = request.prefix() ? record.event().topic() : request.topic();
    if (record.offset() < next.getOrDefault(topic, Long.MIN_VALUE)) {
      return;
    }
    next.put(topic, record.offset() + 1);
    listener.onRecord(record);
  }

  private static void pause() {
    try {
      Thread.sleep(RECONNECT_PAUSE_MS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    closed = true;
    follower.interrupt();
    endpoints.close();
  }
}
