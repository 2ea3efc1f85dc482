package io.eventstreamcore.node.server;

import io.eventstreamcore.node.batching.PendingProduce;
import io.eventstreamcore.node.consume.FetchService;
import io.eventstreamcore.node.ingest.IngestService;
import io.eventstreamcore.node.replication.RaftNode;
import io.eventstreamcore.node.security.Authenticator;
import io.eventstreamcore.node.security.Principal;
import io.eventstreamcore.node.storage.EventStore;
import io.eventstreamcore.protocol.ErrorCode;
import io.eventstreamcore.protocol.ErrorReply;
import io.eventstreamcore.protocol.FetchRequest;
import io.eventstreamcore.protocol.Frame;
import io.eventstreamcore.protocol.FrameCodec;
import io.eventstreamcore.protocol.FrameType;
import io.eventstreamcore.protocol.Hello;
import io.eventstreamcore.protocol.HelloOk;
import io.eventstreamcore.protocol.MetadataResult;
import io.eventstreamcore.protocol.ProduceAck;
import io.eventstreamcore.protocol.ProduceRequest;
import io.eventstreamcore.protocol.ProtocolException;
import io.eventstreamcore.protocol.SubscribeRequest;
import io.eventstreamcore.protocol.WireReader;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * One client connection: frames the byte stream, enforces the handshake, dispatches requests and
 * writes replies. Framing errors that leave the stream unframeable close the connection; every
 * other bad frame gets a typed ERROR and the connection stays usable.
 *
 * <p>What the connection may hold is bounded ({@link ServerLimits}): a request's bytes are reserved
 * in the node-wide {@link ReceiveBudget} before its body is read, and the node stops reading
 * requests while the client is owed, or has not read, more reply bytes than it may. All state is
 * confined to the connection's Vert.x context except {@link #owed}, which replies completing on
 * other threads lower.
 *
 * <p>Why it is longer than our ~400 lines: the handshake, the receive budget, the reading that
 * pauses for both, the timeouts and the dispatch all read and change that one confined state; cut
 * apart, each piece would need the others' fields and the confinement would no longer be visible in
 * one place. The byte-level framing is {@link FrameReader}'s.
 */
final class ClientConnection implements FrameReader.Frames {
  private static final Logger LOG = Logger.getLogger(ClientConnection.class);

  /** Reply bytes counted for a request beyond what its answer carries. */
  private static final int REPLY_OVERHEAD = 64;

  private final NetSocket socket;
  private final Context context;
  private final Services services;
  private final ServerLimits limits;
  private final FrameReader reader;
  // Changed on the connection's context, read by the dashboard from another thread.
  private final Map<Integer, Subscription> subscriptions = new ConcurrentHashMap<>();
  private final AtomicLong owed = new AtomicLong();
  private final Runnable budgetGranted;
  private final long connectedAt = System.nanoTime();
  private int frameLength;
  private long reserved;
  private boolean waitingForBudget;
  private long frameStartedAt;
  private long clientBehindSince;
  private long lastReadAt = connectedAt;
  private volatile boolean reading = true;
  private boolean greeted;
  private Principal principal;
  private boolean closed;
  private int nextSubscriptionId = 1;

  /** What a connection needs from the node. */
  record Services(
      String nodeId,
      ServerLimits limits,
      ReceiveBudget budget,
      IngestService ingest,
      FetchService fetch,
      RaftNode raft,
      Authenticator authenticator,
      ServerMetrics metrics) {}

  List<SubscriptionLag> subscriptionLags() {
    String client = String.valueOf(socket.remoteAddress());
    EventStore store = services.fetch().store();
    return subscriptions.values().stream().map(s -> s.lag(client, store)).toList();
  }

  ClientConnection(NetSocket socket, Context context, Services services) {
    this.socket = socket;
    this.context = context;
    this.services = services;
    this.limits = services.limits();
    this.budgetGranted = () -> context.runOnContext(v -> onBudgetGranted());
    socket.setWriteQueueMaxSize((int) Math.min(Integer.MAX_VALUE, limits.maxReplyBytes()));
    this.reader = new FrameReader(socket, this);
    socket.handler(reader);
    socket.exceptionHandler(e -> LOG.debugf("connection %s: %s", socket.remoteAddress(), e));
    socket.drainHandler(v -> onDrained());
  }

  @Override
  public void onFrame(byte[] frame) {
    if (closed) {
      return;
    }
    lastReadAt = System.nanoTime();
    long held = reserved;
    reserved = 0;
    frameStartedAt = 0;
    try {
      decodeAndDispatch(ByteBuffer.wrap(frame));
    } finally {
      services.budget().release(held);
    }
    updateReading();
  }

  @Override
  public void onLength(long length) {
    if (closed) {
      return;
    }
    lastReadAt = System.nanoTime();
    try {
      if (!greeted && length > ServerLimits.MAX_HELLO_FRAME_BYTES) {
        throw new ProtocolException(
            ErrorCode.FRAME_TOO_LARGE,
            "frame length "
                + length
                + " before HELLO; at most "
                + ServerLimits.MAX_HELLO_FRAME_BYTES
                + " until the handshake is done");
      }
      frameLength = FrameCodec.checkLength(length, limits.maxFrameBytes());
    } catch (ProtocolException e) {
      services.metrics().rejected(e.code());
      sendError(0, e.code(), e.getMessage());
      closed = true;
      socket.end();
      return;
    }
    reader.expect(frameLength);
    boolean budgeted = frameLength > ServerLimits.UNBUDGETED_FRAME_BYTES;
    if (budgeted && !services.budget().reserve(frameLength, budgetGranted)) {
      waitingForBudget = true;
      services.metrics().waitedForReceiveBudget();
      updateReading();
      return;
    }
    reserved = budgeted ? frameLength : 0;
    frameStartedAt = lastReadAt;
  }

  private void onBudgetGranted() {
    if (closed) {
      services.budget().release(frameLength);
      return;
    }
    waitingForBudget = false;
    reserved = frameLength;
    frameStartedAt = System.nanoTime();
    updateReading();
  }

  private void onDrained() {
    updateReading();
    subscriptions.values().forEach(Subscription::pump);
  }

  /**
   * Reads requests only while the budget has room for the one under way and the client keeps up
   * with its replies; pausing the reader also stops the socket, so TCP pushes back on the client.
   */
  private void updateReading() {
    if (closed) {
      return;
    }
    boolean clientBehind = owed.get() > limits.maxReplyBytes() || socket.writeQueueFull();
    if (!clientBehind) {
      clientBehindSince = 0;
    } else if (clientBehindSince == 0) {
      clientBehindSince = System.nanoTime();
    }
    boolean read = !waitingForBudget && !clientBehind;
    if (read == reading) {
      return;
    }
    reading = read;
    if (read) {
      if (frameStartedAt != 0) {
        // A request's time to arrive counts only while the node reads it.
        frameStartedAt = System.nanoTime();
      }
      reader.resume();
    } else {
      reader.pause();
    }
  }

  /** Run every second from {@link ClientServer}: closes what outstays its limits. */
  void checkTimeouts() {
    context.runOnContext(
        v -> {
          String why = overdue(System.nanoTime());
          if (why != null && !closed) {
            services.metrics().closedByNode(why);
            LOG.debugf("closing %s: %s", socket.remoteAddress(), why);
            closed = true;
            socket.close();
          }
        });
  }

  private String overdue(long now) {
    if (!greeted && now - connectedAt > limits.handshakeTimeout().toNanos()) {
      return "handshake";
    }
    if (reading
        && frameStartedAt != 0
        && now - frameStartedAt > limits.requestTimeout().toNanos()) {
      return "request-timeout";
    }
    if (clientBehindSince != 0 && now - clientBehindSince > limits.requestTimeout().toNanos()) {
      return "replies-unread";
    }
    boolean idle = owed.get() == 0 && subscriptions.isEmpty() && frameStartedAt == 0;
    if (idle && now - lastReadAt > limits.idleTimeout().toNanos()) {
      return "idle";
    }
    return null;
  }

  private void decodeAndDispatch(ByteBuffer afterLength) {
    int requestId = 0;
    try {
      Frame frame = FrameCodec.decode(afterLength);
      requestId = frame.requestId();
      dispatch(frame);
    } catch (FrameCodec.FrameCrcException e) {
      services.metrics().rejected(e.code());
      sendError(e.requestId(), e.code(), e.getMessage());
    } catch (ProtocolException e) {
      services.metrics().rejected(e.code());
      sendError(requestId, e.code(), e.getMessage());
    } catch (RuntimeException e) {
      LOG.errorf(e, "request %d from %s failed", requestId, socket.remoteAddress());
      services.metrics().rejected(ErrorCode.INTERNAL);
      sendError(requestId, ErrorCode.INTERNAL, "internal error: " + e);
    }
  }

  private void dispatch(Frame f) {
    if (f.type() == null || f.type().code() >= 0x80) {
      throw new ProtocolException(
          ErrorCode.UNKNOWN_REQUEST_TYPE,
          String.format("frame type 0x%02x is not a request of protocol version 1", f.typeCode()));
    }
    if (!greeted && f.type() != FrameType.HELLO) {
      throw new ProtocolException(
          ErrorCode.HANDSHAKE_REQUIRED, "send HELLO before " + f.type() + " on a new connection");
    }
    WireReader r = f.reader();
    switch (f.type()) {
      case HELLO -> hello(f.requestId(), Hello.read(r));
      case PRODUCE -> produce(f.requestId(), r);
      case FETCH -> fetch(f.requestId(), FetchRequest.read(r));
      case SUBSCRIBE -> subscribe(f.requestId(), SubscribeRequest.read(r));
      case CREDIT -> credit(r);
      case UNSUBSCRIBE -> unsubscribe(f.requestId(), r);
      case METADATA -> {
        r.expectEnd("METADATA");
        MetadataResult md = Metadata.of(services.raft());
        send(FrameCodec.encode(FrameType.METADATA_RESULT, f.requestId(), md::write));
      }
      default -> throw new IllegalStateException("unhandled " + f.type());
    }
  }

  private void hello(int requestId, Hello hello) {
    if (greeted) {
      // Re-authenticating mid-connection would change whose rights govern requests in flight.
      throw new ProtocolException(
          ErrorCode.ALREADY_GREETED,
          "this connection already said HELLO; open a new connection to change identity");
    }
    if (hello.version() != FrameCodec.PROTOCOL_VERSION) {
      sendError(
          requestId,
          ErrorCode.UNSUPPORTED_VERSION,
          "protocol version " + hello.version() + " not supported; this node speaks 1");
      closed = true;
      socket.end();
      return;
    }
    Optional<Principal> who =
        services.authenticator().hello(hello.authMechanism(), hello.authData());
    if (who.isEmpty()) {
      services.metrics().rejected(ErrorCode.AUTHENTICATION_FAILED);
      sendError(requestId, ErrorCode.AUTHENTICATION_FAILED, Authenticator.howToAuthenticate());
      closed = true;
      socket.end();
      return;
    }
    principal = who.get();
    greeted = true;
    HelloOk ok =
        new HelloOk(
            FrameCodec.PROTOCOL_VERSION,
            services.nodeId(),
            limits.maxFrameBytes(),
            services.ingest().maxPayloadBytes());
    send(FrameCodec.encode(FrameType.HELLO_OK, requestId, ok::write));
  }

  private void produce(int requestId, WireReader r) {
    List<ByteBuffer> events = ProduceRequest.read(r).events();
    RequestAccess.produce(principal, events);
    PendingProduce pending = services.ingest().produce(events);
    // Owed only once the request is under way: a request refused by throwing is answered at once.
    long cost = owe(REPLY_OVERHEAD + 9L * events.size());
    pending
        .done()
        .thenAccept(
            p -> {
              ProduceAck ack = new ProduceAck(p.codes(), p.offsets());
              sendOwed(FrameCodec.encode(FrameType.PRODUCE_ACK, requestId, ack::write), cost);
            });
  }

  private void fetch(int requestId, FetchRequest req) {
    RequestAccess.consume(principal, req.topic());
    CompletableFuture<FetchService.Fetched> result = services.fetch().fetch(req);
    long cost = owe(REPLY_OVERHEAD + Math.max(0, Math.min(req.maxBytes(), limits.maxFrameBytes())));
    result.whenComplete(
        (fetched, error) -> {
          if (error != null) {
            Throwable cause = error.getCause() != null ? error.getCause() : error;
            ErrorCode code = cause instanceof ProtocolException pe ? pe.code() : ErrorCode.INTERNAL;
            sendError(requestId, code, cause.getMessage());
            paid(cost);
            return;
          }
          sendOwed(
              FrameCodec.encode(
                  FrameType.FETCH_RESULT,
                  requestId,
                  w ->
                      w.i64(fetched.startOffset())
                          .i64(fetched.endOffset())
                          .i32(fetched.chunk().count())
                          .raw(fetched.chunk().records())),
              cost);
        });
  }

  /** Counts the most a request's reply can take before it is answered. */
  private long owe(long bytes) {
    owed.addAndGet(bytes);
    return bytes;
  }

  /** Sends a reply counted by {@link #owe}; may run on any thread. */
  private void sendOwed(byte[] frame, long cost) {
    send(frame);
    paid(cost);
  }

  private void paid(long cost) {
    long left = owed.addAndGet(-cost);
    if (!reading && left <= limits.maxReplyBytes()) {
      context.runOnContext(v -> updateReading());
    }
  }

  private void subscribe(int requestId, SubscribeRequest req) {
    RequestAccess.subscribe(principal, req);
    int id = nextSubscriptionId++;
    Subscription s =
        new Subscription(
            id,
            requestId,
            req,
            services.fetch(),
            this::send,
            () -> !socket.writeQueueFull(),
            task -> context.runOnContext(v -> task.run()));
    subscriptions.put(id, s);
    send(FrameCodec.encode(FrameType.SUBSCRIBED, requestId, w -> w.i32(id)));
    s.pump();
  }

  private void credit(WireReader r) {
    int id = r.size32("subscription id");
    long credits = r.u32("credits");
    r.expectEnd("CREDIT");
    Subscription s = subscriptions.get(id);
    if (s == null) {
      throw new ProtocolException(ErrorCode.UNKNOWN_SUBSCRIPTION, "no subscription " + id);
    }
    s.addCredits(credits);
  }

  private void unsubscribe(int requestId, WireReader r) {
    int id = r.size32("subscription id");
    r.expectEnd("UNSUBSCRIBE");
    Subscription s = subscriptions.remove(id);
    if (s == null) {
      throw new ProtocolException(ErrorCode.UNKNOWN_SUBSCRIPTION, "no subscription " + id);
    }
    s.close();
    send(FrameCodec.encode(FrameType.UNSUBSCRIBED, requestId, w -> w.i32(id)));
  }

  private void sendError(int requestId, ErrorCode code, String message) {
    String leader =
        code == ErrorCode.NOT_LEADER
            ? services.raft().leader().map(p -> p.clientEndpoint()).orElse("")
            : "";
    ErrorReply err = new ErrorReply(code, message, leader);
    send(FrameCodec.encode(FrameType.ERROR, requestId, err::write));
  }

  private void send(byte[] frame) {
    socket.write(Buffer.buffer(frame));
    if (reading && socket.writeQueueFull()) {
      context.runOnContext(v -> updateReading());
    }
  }

  /** Called by {@link ClientServer} when the socket has closed. */
  void onClose() {
    closed = true;
    if (waitingForBudget) {
      services.budget().cancel(budgetGranted);
    }
    services.budget().release(reserved);
    reserved = 0;
    subscriptions.values().forEach(Subscription::close);
    subscriptions.clear();
    services.metrics().connectionClosed();
  }
}
