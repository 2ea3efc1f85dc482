package io.eventstreamcore.node.server;

import io.eventstreamcore.node.config.NodeConfig;
import io.eventstreamcore.node.consume.FetchService;
import io.eventstreamcore.node.ingest.IngestService;
import io.eventstreamcore.node.replication.RaftNode;
import io.eventstreamcore.node.security.Authenticator;
import io.eventstreamcore.node.security.NodeTls;
import io.eventstreamcore.protocol.ErrorCode;
import io.eventstreamcore.protocol.ErrorReply;
import io.eventstreamcore.protocol.FrameCodec;
import io.eventstreamcore.protocol.FrameType;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import java.io.Closeable;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/** The binary-protocol TCP listener (docs/protocol.md), and the limits over all its connections. */
public final class ClientServer implements Closeable {
  private static final Logger LOG = Logger.getLogger(ClientServer.class);

  private final Vertx vertx;
  private final NetServer server;
  private final ClientConnection.Services services;
  private final Set<ClientConnection> live = ConcurrentHashMap.newKeySet();
  private long sweeper = -1;

  public ClientServer(
      Vertx vertx,
      String nodeId,
      int maxFrameBytes,
      NodeConfig.Server config,
      IngestService ingest,
      FetchService fetch,
      RaftNode raft,
      Authenticator authenticator,
      Optional<NodeTls> tls,
      MeterRegistry meters) {
    this.vertx = vertx;
    ServerLimits limits = ServerLimits.of(config, maxFrameBytes);
    this.services =
        new ClientConnection.Services(
            nodeId,
            limits,
            new ReceiveBudget(limits.maxReceivingBytes()),
            ingest,
            fetch,
            raft,
            authenticator,
            new ServerMetrics(meters));
    NetServerOptions options = new NetServerOptions().setTcpNoDelay(true);
    this.server = vertx.createNetServer(tls.map(t -> t.secure(options)).orElse(options));
  }

  public void start(String host, int port) throws Exception {
    server.connectHandler(this::accept);
    server.listen(port, host).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    sweeper = vertx.setPeriodic(1000, id -> live.forEach(ClientConnection::checkTimeouts));
    LOG.infof("binary protocol listening on %s:%d", host, server.actualPort());
  }

  private void accept(NetSocket socket) {
    int max = services.limits().maxConnections();
    if (live.size() >= max) {
      services.metrics().refusedConnection();
      ErrorReply refusal =
          new ErrorReply(
              ErrorCode.OVERLOADED,
              "this node serves " + max + " connections, the most it takes",
              "");
      socket.end(Buffer.buffer(FrameCodec.encode(FrameType.ERROR, 0, refusal::write)));
      return;
    }
    services.metrics().connectionOpened();
    ClientConnection c = new ClientConnection(socket, vertx.getOrCreateContext(), services);
    live.add(c);
    socket.closeHandler(
        v -> {
          live.remove(c);
          c.onClose();
        });
  }

  /** Every subscription on this node's connections, with how far behind it is. */
  public List<SubscriptionLag> subscriptionLags() {
    return live.stream().flatMap(c -> c.subscriptionLags().stream()).toList();
  }

  public int port() {
    return server.actualPort();
  }

  @Override
  public void close() {
    vertx.cancelTimer(sweeper);
    try {
      server.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.warn("client listener did not close cleanly", e);
    }
  }
}
