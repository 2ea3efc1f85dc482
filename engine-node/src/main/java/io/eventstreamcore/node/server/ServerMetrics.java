package io.eventstreamcore.node.server;

import io.eventstreamcore.protocol.ErrorCode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Connections, those refused or closed by the node, and rejections by error code. */
final class ServerMetrics {
  private final MeterRegistry meters;
  private final AtomicInteger connections = new AtomicInteger();
  private final Map<ErrorCode, Counter> rejected = new ConcurrentHashMap<>();

  ServerMetrics(MeterRegistry meters) {
    this.meters = meters;
    meters.gauge("esc.client.connections", connections);
  }

  void connectionOpened() {
    connections.incrementAndGet();
  }

  void connectionClosed() {
    connections.decrementAndGet();
  }

  void refusedConnection() {
    meters.counter("esc.client.connections.refused").increment();
  }

  /** A connection the node closed for outstaying a limit: handshake, request-timeout, … */
  void closedByNode(String reason) {
    meters.counter("esc.client.connections.closed.by.node", "reason", reason).increment();
  }

  /** A request whose bytes had to wait for other connections' requests to be received. */
  void waitedForReceiveBudget() {
    meters.counter("esc.client.receive.budget.waits").increment();
  }

  void rejected(ErrorCode code) {
    rejected
        .computeIfAbsent(
            code,
            c -> Counter.builder("esc.protocol.errors").tag("code", c.name()).register(meters))
        .increment();
  }
}
