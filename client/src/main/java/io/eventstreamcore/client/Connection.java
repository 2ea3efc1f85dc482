package io.eventstreamcore.client;

import io.eventstreamcore.protocol.Credential;
import io.eventstreamcore.protocol.ErrorCode;
import io.eventstreamcore.protocol.ErrorReply;
import io.eventstreamcore.protocol.Frame;
import io.eventstreamcore.protocol.FrameCodec;
import io.eventstreamcore.protocol.FrameType;
import io.eventstreamcore.protocol.Hello;
import io.eventstreamcore.protocol.HelloOk;
import io.eventstreamcore.protocol.MetadataResult;
import io.eventstreamcore.protocol.WireWriter;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * One pipelined protocol connection to one node: any number of requests may be outstanding; replies
 * are matched by request id on a reader thread.
 */
public final class Connection implements AutoCloseable {
  private final String endpoint;
  private final Socket socket;
  private final OutputStream out;
  private final DataInputStream in;
  private final Map<Integer, CompletableFuture<Frame>> pending = new ConcurrentHashMap<>();
  private final Map<Integer, Consumer<Frame>> streams = new ConcurrentHashMap<>();
  private final AtomicInteger nextRequestId = new AtomicInteger(1);
  private final Thread reader;
  private final HelloOk hello;
  private volatile boolean closed;
  private volatile long lastHeardNanos = System.nanoTime();

  private Connection(String endpoint, int connectTimeoutMs, ClientSecurity security)
      throws IOException {
    this.endpoint = endpoint;
    int colon = endpoint.lastIndexOf(':');
    if (colon < 1) {
      throw new IllegalArgumentException("endpoint '" + endpoint + "' must be host:port");
    }
    String host = endpoint.substring(0, colon);
    Socket plain = new Socket();
    plain.setTcpNoDelay(true);
    plain.connect(
        new InetSocketAddress(host, Integer.parseInt(endpoint.substring(colon + 1))),
        connectTimeoutMs);
    socket = security.tls().isPresent() ? tls(plain, host, security.tls().get()) : plain;
    out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
    in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 64 * 1024));
    reader = new Thread(this::readLoop, "esc-conn-" + endpoint);
    reader.setDaemon(true);
    reader.start();
    try {
      hello =
          HelloOk.read(
              request(FrameType.HELLO, hello(security)::write)
                  .get(connectTimeoutMs, TimeUnit.MILLISECONDS)
                  .reader());
    } catch (Exception e) {
      close();
      throw new IOException("handshake with " + endpoint + " failed: " + e.getMessage(), e);
    }
  }

  public static Connection open(String endpoint) throws IOException {
    return open(endpoint, ClientSecurity.NONE);
  }

  public static Connection open(String endpoint, ClientSecurity security) throws IOException {
    return open(endpoint, security, Duration.ofSeconds(5));
  }

  /** A connection whose connect and handshake each take at most {@code timeout}. */
  public static Connection open(String endpoint, ClientSecurity security, Duration timeout)
      throws IOException {
    return new Connection(endpoint, (int) timeout.toMillis(), security);
  }

  /** TLS over a connected socket; the node's certificate must name the host that was dialled. */
  private static Socket tls(Socket plain, String host, SSLContext context) throws IOException {
    try {
      SSLSocket s =
          (SSLSocket) context.getSocketFactory().createSocket(plain, host, plain.getPort(), true);
      SSLParameters p = s.getSSLParameters();
      p.setEndpointIdentificationAlgorithm("HTTPS");
      s.setSSLParameters(p);
      s.setSoTimeout(5_000);
      s.startHandshake();
      s.setSoTimeout(0);
      return s;
    } catch (IOException e) {
      plain.close();
      throw new IOException("TLS with " + host + " failed: " + e.getMessage(), e);
    }
  }

  private static Hello hello(ClientSecurity security) {
    return security
        .credential()
        .map(
            c ->
                new Hello(
                    FrameCodec.PROTOCOL_VERSION, "esc-java", Credential.MECHANISM, c.helloData()))
        .orElse(Hello.anonymous("esc-java"));
  }

  public String endpoint() {
    return endpoint;
  }

  public String nodeId() {
    return hello.nodeId();
  }

  public int maxFrameBytes() {
    return hello.maxFrameBytes();
  }

  public boolean isOpen() {
    return !closed;
  }

  /**
   * True if requests are waiting and the node has sent nothing for {@code nanos}: alive enough to
   * keep the connection, too stuck (paused, cut off) to answer.
   */
  public boolean silentFor(long nanos) {
    return !pending.isEmpty() && System.nanoTime() - lastHeardNanos > nanos;
  }

  /** Sends a request; the future completes with the reply frame or an {@link EscException}. */
  public CompletableFuture<Frame> request(FrameType type, Consumer<WireWriter> body) {
    int id = nextRequestId.getAndIncrement();
    CompletableFuture<Frame> reply = new CompletableFuture<>();
    if (pending.isEmpty()) {
      // Silence counts from the first request that waits, not from the last answer.
      lastHeardNanos = System.nanoTime();
    }
    pending.put(id, reply);
    write(type, id, body, reply);
    return reply;
  }

  /** Sends a request whose replies keep coming (SUBSCRIBE) to {@code onFrame}. */
  public int stream(FrameType type, Consumer<WireWriter> body, Consumer<Frame> onFrame) {
    int id = nextRequestId.getAndIncrement();
    streams.put(id, onFrame);
    write(type, id, body, null);
    return id;
  }

  /** A request without a reply (CREDIT). */
  public void send(FrameType type, Consumer<WireWriter> body) {
    write(type, 0, body, null);
  }

  private void write(
      FrameType type, int id, Consumer<WireWriter> body, CompletableFuture<Frame> reply) {
    byte[] frame = FrameCodec.encode(type, id, body);
    try {
      synchronized (out) {
        out.write(frame);
        out.flush();
      }
    } catch (IOException e) {
      fail(new EscException(ErrorCode.UNAVAILABLE, "write to " + endpoint + ": " + e, ""));
    }
    if (closed && reply != null) {
      reply.completeExceptionally(
          new EscException(ErrorCode.UNAVAILABLE, "connection to " + endpoint + " closed", ""));
    }
  }

  public MetadataResult metadata() throws Exception {
    return metadata(Duration.ofSeconds(10));
  }

  public MetadataResult metadata(Duration timeout) throws Exception {
    return MetadataResult.read(
        request(FrameType.METADATA, w -> {})
            .get(timeout.toMillis(), TimeUnit.MILLISECONDS)
            .reader());
  }

  private void readLoop() {
    try {
      while (!closed) {
        int length = in.readInt();
        byte[] rest = new byte[length];
        in.readFully(rest);
        Frame f = FrameCodec.decode(ByteBuffer.wrap(rest));
        lastHeardNanos = System.nanoTime();
        Consumer<Frame> stream = streams.get(f.requestId());
        if (stream != null) {
          stream.accept(f);
          continue;
        }
        CompletableFuture<Frame> reply = pending.remove(f.requestId());
        if (reply == null) {
          if (f.type() == FrameType.ERROR) {
            ErrorReply err = ErrorReply.read(f.reader());
            fail(new EscException(err.code(), err.message(), err.leaderEndpoint()));
          }
          continue;
        }
        if (f.type() == FrameType.ERROR) {
          ErrorReply err = ErrorReply.read(f.reader());
          reply.completeExceptionally(
              new EscException(err.code(), err.message(), err.leaderEndpoint()));
        } else {
          reply.complete(f);
        }
      }
    } catch (IOException | RuntimeException e) {
      fail(
          new EscException(ErrorCode.UNAVAILABLE, "connection to " + endpoint + " lost: " + e, ""));
    }
  }

  private void fail(EscException e) {
    closed = true;
    pending.values().forEach(f -> f.completeExceptionally(e));
    pending.clear();
    streams.clear();
    try {
      socket.close();
    } catch (IOException ignored) {
      // already failing; the first error is the one reported
    }
  }

  @Override
  public void close() {
    fail(new EscException(ErrorCode.UNAVAILABLE, "connection to " + endpoint + " closed", ""));
  }
}
