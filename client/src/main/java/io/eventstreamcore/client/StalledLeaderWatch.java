package io.eventstreamcore.client;

import io.eventstreamcore.protocol.MetadataResult;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Moves a producer off a node that has stopped answering while another node already names a
 * different leader. A leader paused (SIGSTOP, a long GC, a frozen VM) keeps its TCP connections
 * open, so nothing fails until the request timeout: FaultInjectionIT saw writes stop for as long as
 * the pause lasted, although the others had elected a new leader within a second. Closing the
 * connection fails its requests retryably; they are sent again, with the same ids, to the new
 * leader, whose dedup answers any that did commit with their offsets.
 */
final class StalledLeaderWatch implements AutoCloseable {
  /**
   * About the nodes' longest election timeout: by then the others may have a new leader. A slow but
   * working leader is left alone however early this asks, because the producer moves only when
   * another node names a different leader; asking early costs a METADATA round trip per check.
   */
  static final Duration SILENCE = Duration.ofMillis(300);

  private static final long CHECK_EVERY_MILLIS = 100;

  private static final Duration PROBE_TIMEOUT = Duration.ofMillis(500);

  private final Endpoints endpoints;

  /**
   * A thread of its own: the producer's timer thread can be the one that waits for an in-flight
   * slot held by the very requests the stalled node does not answer.
   */
  private final ScheduledExecutorService checker = DaemonTimer.named("esc-producer-leader-watch");

  StalledLeaderWatch(Endpoints endpoints) {
    this.endpoints = endpoints;
    checker.scheduleWithFixedDelay(
        this::check, CHECK_EVERY_MILLIS, CHECK_EVERY_MILLIS, TimeUnit.MILLISECONDS);
  }

  /** Asks another node who leads, but only while the connection in use is silent. */
  private void check() {
    Connection used = endpoints.current();
    if (used != null && used.silentFor(SILENCE.toNanos())) {
      otherLeader(used).ifPresent(leader -> endpoints.moveTo(used, leader.clientEndpoint()));
    }
  }

  /** The leader another node names, if it is not the node {@code used} reaches. */
  private Optional<MetadataResult.Member> otherLeader(Connection used) {
    for (String other : endpoints.bootstrap()) {
      if (other.equals(used.endpoint())) {
        continue;
      }
      try (Connection probe = Connection.open(other, endpoints.security(), PROBE_TIMEOUT)) {
        if (probe.nodeId().equals(used.nodeId())) {
          continue;
        }
        MetadataResult.Member leader = probe.metadata(PROBE_TIMEOUT).leader();
        if (leader != null) {
          return leader.nodeId().equals(used.nodeId()) ? Optional.empty() : Optional.of(leader);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Optional.empty();
      } catch (Exception e) {
        // That node is down or knows no leader either: ask the next one.
      }
    }
    return Optional.empty();
  }

  @Override
  public void close() {
    checker.shutdownNow();
  }
}
