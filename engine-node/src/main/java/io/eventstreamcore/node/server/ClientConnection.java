package io.eventstreamcore.node.server;

import io.eventstreamcore.node.consume.FetchService;
import io.eventstreamcore.node.ingest.IngestService;
import io.eventstreamcore.node.ingest.PendingProduce;
import io.eventstreamcore.node.replication.RaftNode;
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
import io.vertx.core.parsetools.RecordParser;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * One client connection: frames the byte stream, enforces the handshake, dispatches requests and
 * writes replies. Framing errors that leave the stream unframeable close the connection; every
 * other bad frame gets a typed ERROR and the connection stays usable.
 */
final class ClientConnection {
  private static final Logger LOG = Logger.getLogger(ClientConnection.class);

  private final NetSocket socket;
  private final Context context;
  private final Services services;
  private final RecordParser parser;
  private final Map<Integer, Subscription> subscriptions = new HashMap<>();
  private boolean expectingLength = true;
  private boolean greeted;
  private boolean closed;
  private int nextSubscriptionId = 1;

  /** What a connection needs from the node. */
  record Services(
      String nodeId,
      int maxFrameBytes,
      IngestService ingest,
      FetchService fetch,
      RaftNode raft,
      ServerMetrics metrics) {}

  ClientConnection(NetSocket socket, Context context, Services services) {
    this.socket = socket;
    this.context = context;
    this.services = services;
    this.parser = RecordParser.newFixed(4, this::onRecord);
    socket.handler(parser);
    socket.closeHandler(v -> onClose());
    socket.exceptionHandler(e -> LOG.debugf("connection %s: %s", socket.remoteAddress(), e));
  }

  private void onRecord(Buffer record) {
    if (closed) {
      return;
    }
    if (expectingLength) {
      long length = record.getUnsignedInt(0);
      try {
        parser.fixedSizeMode(FrameCodec.checkLength(length, services.maxFrameBytes()));
        expectingLength = false;
      } catch (ProtocolException e) {
        services.metrics().rejected(e.code());
        sendError(0, e.code(), e.getMessage());
        closed = true;
        socket.end();
      }
      return;
    }
    expectingLength = true;
    parser.fixedSizeMode(4);
    onFrame(ByteBuffer.wrap(record.getBytes()));
  }

  private void onFrame(ByteBuffer afterLength) {
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
    if (hello.version() != FrameCodec.PROTOCOL_VERSION) {
      sendError(
          requestId,
          ErrorCode.UNSUPPORTED_VERSION,
          "protocol version " + hello.version() + " not supported; this node speaks 1");
      closed = true;
      socket.end();
      return;
    }
    if (!Hello.NO_AUTH.equals(hello.authMechanism())) {
      throw new ProtocolException(
          ErrorCode.HANDSHAKE_REQUIRED,
          "auth mechanism '" + hello.authMechanism() + "' not supported; use 'none'");
    }
    greeted = true;
    HelloOk ok =
        new HelloOk(
            FrameCodec.PROTOCOL_VERSION,
            services.nodeId(),
            services.maxFrameBytes(),
            services.ingest().maxPayloadBytes());
    send(FrameCodec.encode(FrameType.HELLO_OK, requestId, ok::write));
  }

  private void produce(int requestId, WireReader r) {
    List<ByteBuffer> events = ProduceRequest.read(r).events();
    PendingProduce pending = services.ingest().produce(events);
    pending
        .done()
        .thenAccept(
            p -> {
              ProduceAck ack = new ProduceAck(p.codes(), p.offsets());
              send(FrameCodec.encode(FrameType.PRODUCE_ACK, requestId, ack::write));
            });
  }

  private void fetch(int requestId, FetchRequest req) {
    services
        .fetch()
        .fetch(req)
        .whenComplete(
            (fetched, error) -> {
              if (error != null) {
                Throwable cause = error.getCause() != null ? error.getCause() : error;
                ErrorCode code =
                    cause instanceof ProtocolException pe ? pe.code() : ErrorCode.INTERNAL;
                sendError(requestId, code, cause.getMessage());
                return;
              }
              send(
                  FrameCodec.encode(
                      FrameType.FETCH_RESULT,
                      requestId,
                      w ->
                          w.i64(fetched.startOffset())
                              .i64(fetched.endOffset())
                              .i32(fetched.chunk().count())
                              .raw(fetched.chunk().records())));
            });
  }

  private void subscribe(int requestId, SubscribeRequest req) {
    int id = nextSubscriptionId++;
    Subscription s =
        new Subscription(
            id,
            requestId,
            req,
            services.fetch(),
            this::send,
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
  }

  private void onClose() {
    closed = true;
    subscriptions.values().forEach(Subscription::close);
    subscriptions.clear();
    services.metrics().connectionClosed();
  }
}
