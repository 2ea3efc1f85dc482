package io.eventstreamcore.node.server;

import io.eventstreamcore.node.consume.FetchService;
import io.eventstreamcore.node.ingest.IngestService;
import io.eventstreamcore.node.replication.RaftNode;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import java.io.Closeable;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/** The binary-protocol TCP listener (docs/protocol.md). */
public final class ClientServer implements Closeable {
  private static final Logger LOG = Logger.getLogger(ClientServer.class);

  private final Vertx vertx;
  private final NetServer server;
  private final ClientConnection.Services services;

  public ClientServer(
      Vertx vertx,
      String nodeId,
      int maxFrameBytes,
      IngestService ingest,
      FetchService fetch,
      RaftNode raft,
      MeterRegistry meters) {
    this.vertx = vertx;
    this.services =
        new ClientConnection.Services(
            nodeId, maxFrameBytes, ingest, fetch, raft, new ServerMetrics(meters));
    this.server = vertx.createNetServer(new NetServerOptions().setTcpNoDelay(true));
  }

  public void start(String host, int port) throws Exception {
    server.connectHandler(
        socket -> {
          services.metrics().connectionOpened();
          new ClientConnection(socket, vertx.getOrCreateContext(), services);
        });
    server.listen(port, host).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    LOG.infof("binary protocol listening on %s:%d", host, server.actualPort());
  }

  public int port() {
    return server.actualPort();
  }

  @Override
  public void close() {
    try {
      server.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.warn("client listener did not close cleanly", e);
    }
  }
}
