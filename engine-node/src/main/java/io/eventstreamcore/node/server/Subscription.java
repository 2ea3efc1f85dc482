package io.eventstreamcore.node.server;

import io.eventstreamcore.node.consume.FetchService;
import io.eventstreamcore.node.storage.EventStore;
import io.eventstreamcore.node.storage.OffsetOutOfRangeException;
import io.eventstreamcore.node.storage.ReadChunk;
import io.eventstreamcore.protocol.FrameCodec;
import io.eventstreamcore.protocol.FrameType;
import io.eventstreamcore.protocol.SubscribeRequest;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Pushes committed events of one topic or topic prefix to a connection, as far as the client's
 * credits allow. All methods run on the connection's Vert.x context, so there is one pump at a time
 * per subscription.
 */
final class Subscription {
  private static final int MAX_EVENTS_PER_PUSH = 500;
  private static final int MAX_BYTES_PER_PUSH = 1 << 20;

  private final int id;
  private final int requestId;
  private final SubscribeRequest request;
  private final FetchService fetch;
  private final Consumer<byte[]> send;
  private final BooleanSupplier writable;
  private final Consumer<Runnable> onContext;
  // Written on the connection's context, read by the dashboard from another thread.
  private final Map<String, Long> next = new ConcurrentHashMap<>();
  private final Runnable anyAppend;
  private long credits;
  private boolean waiting;
  private boolean closed;

  Subscription(
      int id,
      int requestId,
      SubscribeRequest request,
      FetchService fetch,
      Consumer<byte[]> send,
      BooleanSupplier writable,
      Consumer<Runnable> onContext) {
    this.id = id;
    this.requestId = requestId;
    this.request = request;
    this.fetch = fetch;
    this.send = send;
    this.writable = writable;
    this.onContext = onContext;
    this.credits = request.credits();
    this.anyAppend = () -> onContext.accept(this::wake);
    EventStore store = fetch.store();
    for (String topic : matchingTopics()) {
      next.put(topic, startFor(store, topic));
    }
    if (request.prefix()) {
      fetch.signal().onAnyAppend(anyAppend);
    }
  }

  private long startFor(EventStore store, String topic) {
    if (request.fromOffset() == SubscribeRequest.FROM_END) {
      return store.endOffset(topic);
    }
    if (request.fromOffset() == SubscribeRequest.FROM_START) {
      return store.startOffset(topic);
    }
    return request.fromOffset();
  }

  private List<String> matchingTopics() {
    if (!request.prefix()) {
      return List.of(request.topic());
    }
    return fetch.store().topics().stream().filter(t -> t.startsWith(request.topic())).toList();
  }

  /** Events committed in this subscription's topics that it has not sent yet. */
  long behind(EventStore store) {
    long behind = 0;
    for (Map.Entry<String, Long> e : next.entrySet()) {
      behind += Math.max(0, store.endOffset(e.getKey()) - e.getValue());
    }
    return behind;
  }

  SubscriptionLag lag(String client, EventStore store) {
    return new SubscriptionLag(client, request.topic(), request.prefix(), behind(store));
  }

  void addCredits(long more) {
    credits += more;
    pump();
  }

  private void wake() {
    waiting = false;
    pump();
  }

  /**
   * Pushes what credits allow. Credits bound the events, not how fast the client reads them: while
   * the connection's unread replies are at their limit nothing more is pushed, and the connection
   * pumps again once the client has read.
   */
  void pump() {
    if (closed || credits <= 0 || !writable.getAsBoolean()) {
      return;
    }
    boolean progress = false;
    EventStore store = fetch.store();
    for (String topic : matchingTopics()) {
      if (credits <= 0 || !writable.getAsBoolean()) {
        break;
      }
      // A topic that appears after SUBSCRIBE is new in full: read it from its start.
      long from =
          next.computeIfAbsent(
              topic, t -> request.fromOffset() >= 0 ? request.fromOffset() : store.startOffset(t));
      ReadChunk chunk;
      try {
        chunk =
            store.read(
                topic, from, (int) Math.min(credits, MAX_EVENTS_PER_PUSH), MAX_BYTES_PER_PUSH);
      } catch (OffsetOutOfRangeException e) {
        // Retention removed what the subscriber had not read yet: resume at the oldest kept.
        if (from < store.startOffset(topic)) {
          next.put(topic, store.startOffset(topic));
          progress = true;
        }
        continue;
      }
      if (chunk.count() == 0) {
        continue;
      }
      int count = chunk.count();
      fetch.metrics().sent(topic, chunk);
      send.accept(
          FrameCodec.encode(
              FrameType.EVENTS, requestId, w -> w.i32(id).i32(count).raw(chunk.records())));
      next.put(topic, from + count);
      credits -= count;
      progress = true;
    }
    if (progress) {
      onContext.accept(this::pump);
    } else if (!waiting && !request.prefix()) {
      waiting = true;
      fetch.signal().next(request.topic()).thenRun(() -> onContext.accept(this::wake));
    }
  }

  void close() {
    closed = true;
    fetch.signal().removeAnyAppend(anyAppend);
  }
}
