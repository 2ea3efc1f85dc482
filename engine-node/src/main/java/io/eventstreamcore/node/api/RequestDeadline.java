package io.eventstreamcore.node.api;

import io.eventstreamcore.node.config.NodeConfig;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

/**
 * An HTTP request must arrive whole within {@code esc.server.request-timeout}, or its connection is
 * closed. The idle timeout alone does not stop a client that sends its body a byte at a time, and
 * each such request would hold a connection and its buffer for as long as the client likes.
 */
@ApplicationScoped
public class RequestDeadline {
  private static final Logger LOG = Logger.getLogger(RequestDeadline.class);

  void install(@Observes Router router, Vertx vertx, NodeConfig config) {
    long timeoutMs = config.server().requestTimeout().toMillis();
    router
        .route()
        .order(Integer.MIN_VALUE)
        .handler(
            rc -> {
              if (!rc.request().isEnded()) {
                long timer =
                    vertx.setTimer(
                        timeoutMs,
                        id -> {
                          if (!rc.request().isEnded()) {
                            LOG.debugf(
                                "closing %s: request not received whole within %d ms",
                                rc.request().remoteAddress(), timeoutMs);
                            rc.request().connection().close();
                          }
                        });
                rc.addEndHandler(v -> vertx.cancelTimer(timer));
              }
              rc.next();
            });
  }
}
