package io.eventstreamcore.client;

import io.eventstreamcore.protocol.MetadataResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Holds a producer's requests while the node it reached names no leader, and sends them on as soon
 * as some node names one. Until then one METADATA question per node every {@link #PROBE_EVERY}
 * replaces them.
 *
 * <p>Without this, each request went out again 50 ms after its NOT_LEADER answer, over a new
 * connection. After two of three nodes were killed (FaultInjectionIT), the survivor spent about
 * half a core refusing them and the producers' JVM another half, on a two-core host where the two
 * restarting nodes needed that CPU to start: writes came back 7–10 s after the second node's start.
 * Backing off between resends spared some CPU but delayed the first write after the election by the
 * backoff; asking who leads costs almost nothing and loses no time once a leader is there.
 *
 * @param <B> a batch of events; each held batch keeps the in-flight slot it was sent with
 */
final class LeaderWait<B> implements AutoCloseable {
  /** How often the nodes are asked who leads while none is known. */
  static final Duration PROBE_EVERY = Duration.ofMillis(50);

  private static final Duration PROBE_TIMEOUT = Duration.ofMillis(500);

  private final Endpoints endpoints;
  private final Consumer<B> release;
  private final Predicate<B> expire;
  private final List<B> held = new ArrayList<>();
  private final Map<String, Connection> probes = new HashMap<>();
  private ScheduledFuture<?> probing;

  /** Its own thread: the producer's timer can be blocked on an in-flight slot a held batch has. */
  private final ScheduledExecutorService prober = DaemonTimer.named("esc-producer-leader-wait");

  /**
   * @param release sends a held batch again, to the leader just named
   * @param expire fails a held batch's events whose delivery timeout has passed; true if none is
   *     left, and the batch is then dropped
   */
  LeaderWait(Endpoints endpoints, Consumer<B> release, Predicate<B> expire) {
    this.endpoints = endpoints;
    this.release = release;
    this.expire = expire;
  }

  /** Holds {@code batch} until some node names a leader; the nodes are asked from now on. */
  synchronized void hold(B batch) {
    held.add(batch);
    if (probing == null) {
      probing =
          prober.scheduleWithFixedDelay(
              this::probe, 0, PROBE_EVERY.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  private void probe() {
    synchronized (this) {
      held.removeIf(expire);
    }
    // Asked even when every held event has timed out: the connection in use stays on the node
    // that named no leader until a leader is found here, so a producer that does not retry would
    // otherwise never leave it (ThreeNodeFailoverIT: no write acknowledged within 30 s).
    MetadataResult.Member leader = namedLeader();
    if (leader == null) {
      return;
    }
    List<B> toRelease;
    synchronized (this) {
      endpoints.useLeader(leader.clientEndpoint());
      toRelease = List.copyOf(held);
      held.clear();
      stopProbing();
    }
    toRelease.forEach(release);
  }

  private synchronized void stopProbing() {
    probing.cancel(false);
    probing = null;
    closeProbes();
  }

  /** The leader the first node that names one names, or null while none does. */
  private MetadataResult.Member namedLeader() {
    synchronized (probes) {
      return askEach();
    }
  }

  private MetadataResult.Member askEach() {
    for (String endpoint : endpoints.bootstrap()) {
      try {
        Connection probe = probes.get(endpoint);
        if (probe == null || !probe.isOpen()) {
          probe = Connection.open(endpoint, endpoints.security(), PROBE_TIMEOUT);
          probes.put(endpoint, probe);
        }
        MetadataResult.Member leader = probe.metadata(PROBE_TIMEOUT).leader();
        if (leader != null) {
          return leader;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return null;
      } catch (Exception e) {
        // Down, cut off or slow: the others may know.
      }
    }
    return null;
  }

  private void closeProbes() {
    synchronized (probes) {
      probes.values().forEach(Connection::close);
      probes.clear();
    }
  }

  @Override
  public void close() {
    prober.shutdownNow();
    closeProbes();
  }
}
