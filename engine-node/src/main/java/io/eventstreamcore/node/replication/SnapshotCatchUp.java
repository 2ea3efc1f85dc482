package io.eventstreamcore.node.replication;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.eventstreamcore.node.security.PeerHttp;
import io.eventstreamcore.node.storage.EventStore;
import io.eventstreamcore.protocol.EventCodec;
import io.eventstreamcore.protocol.WireReader;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Brings a follower's store to the leader's latest snapshot point by copying the records it lacks
 * from the leader's catch-up resource ({@code /internal/v1/catch-up}). This is our snapshot
 * installation: the store's segments are the state, so a follower only fetches what it does not
 * have instead of a whole snapshot.
 */
public final class SnapshotCatchUp {
  /** Header with which the leader tells where the topic starts on it, after retention. */
  public static final String START_OFFSET_HEADER = "ESC-Start-Offset";

  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final PeerHttp peers;
  private final HttpClient http;
  private final ObjectMapper json = new ObjectMapper();

  SnapshotCatchUp(PeerHttp peers) {
    this.peers = peers;
    this.http = peers.newClient(TIMEOUT);
  }

  /**
   * Copies until {@code store} holds exactly the leader's snapshot point, and returns it; empty if
   * the leader has taken no snapshot. Ratis asks every new member to install one, but a leader
   * without a snapshot has never purged its log, so the log alone brings the member up to date.
   */
  Optional<SnapshotPoint> copyFrom(Peer leader, EventStore store)
      throws IOException, InterruptedException {
    String base = leader.httpEndpoint() + "/internal/v1/catch-up/";
    HttpResponse<byte[]> snapshot = send(base + "snapshot");
    if (snapshot.statusCode() == 404) {
      return Optional.empty();
    }
    SnapshotPoint point = json.readValue(ok(snapshot).body(), SnapshotPoint.class);
    for (Map.Entry<String, Long> e : point.endOffsets().entrySet()) {
      copyTopic(base, store, e.getKey(), e.getValue());
    }
    store.truncateTo(point.endOffsets());
    store.flush();
    return Optional.of(point);
  }

  private void copyTopic(String base, EventStore store, String topic, long end)
      throws IOException, InterruptedException {
    long next = store.endOffset(topic);
    while (next < end) {
      HttpResponse<byte[]> r =
          get(
              base
                  + "records?topic="
                  + URLEncoder.encode(topic, StandardCharsets.UTF_8)
                  + "&from="
                  + next);
      long start = Long.parseLong(r.headers().firstValue(START_OFFSET_HEADER).orElse("0"));
      if (start > next) {
        next = Math.min(start, end);
        store.restartTopicAt(topic, next);
      }
      List<ByteBuffer> events = eventsBelow(ByteBuffer.wrap(r.body()), next, end);
      if (events.isEmpty() && next < end) {
        throw new IOException("leader sent no records of " + topic + " at " + next);
      }
      store.append(events, Collections.nCopies(events.size(), topic));
      next += events.size();
    }
  }

  /** The events of records {@code next, next+1, ...} below {@code end}; fails on a gap. */
  private static List<ByteBuffer> eventsBelow(ByteBuffer records, long next, long end)
      throws IOException {
    List<ByteBuffer> events = new ArrayList<>();
    WireReader r = new WireReader(records);
    while (records.hasRemaining()) {
      long offset = records.getLong();
      ByteBuffer event = EventCodec.next(r);
      if (offset >= end) {
        break;
      }
      if (offset != next + events.size()) {
        throw new IOException("expected offset " + (next + events.size()) + ", got " + offset);
      }
      events.add(event);
    }
    return events;
  }

  private HttpResponse<byte[]> get(String uri) throws IOException, InterruptedException {
    return ok(send(uri));
  }

  private HttpResponse<byte[]> send(String uri) throws IOException, InterruptedException {
    return http.send(
        peers.request(uri).timeout(TIMEOUT).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private static HttpResponse<byte[]> ok(HttpResponse<byte[]> r) throws IOException {
    if (r.statusCode() != 200) {
      throw new IOException("GET " + r.uri() + " answered " + r.statusCode());
    }
    return r;
  }
}
