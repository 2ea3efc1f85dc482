package io.eventstreamcore.client;

import io.eventstreamcore.protocol.FetchRequest;
import io.eventstreamcore.protocol.FetchResult;
import io.eventstreamcore.protocol.FrameType;
import io.eventstreamcore.protocol.Record;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Reads one topic with FETCH long-polls and tracks its position; after a lost connection it carries
 * on from the same position at another node.
 */
public final class Consumer implements AutoCloseable {
  private final Endpoints endpoints;
  private final String topic;
  private long position;

  public Consumer(List<String> bootstrap, String topic, long fromOffset) {
    this(bootstrap, topic, fromOffset, ClientSecurity.NONE);
  }

  public Consumer(List<String> bootstrap, String topic, long fromOffset, ClientSecurity security) {
    this.endpoints = new Endpoints(bootstrap, false, security);
    this.topic = topic;
    this.position = fromOffset;
  }

  /** Waits up to {@code wait} for events at the current position and moves past them. */
  public List<Record> poll(int maxEvents, Duration wait)
      throws IOException, InterruptedException, TimeoutException {
    Connection conn = endpoints.connection();
    int waitMs = (int) Math.min(wait.toMillis(), FetchRequest.MAX_WAIT_MS);
    FetchRequest req = new FetchRequest(topic, position, maxEvents, 4 << 20, waitMs);
    try {
      FetchResult result =
          FetchResult.read(
              conn.request(FrameType.FETCH, req::write)
                  .get(wait.toMillis() + 10_000, TimeUnit.MILLISECONDS)
                  .reader());
      position += result.records().size();
      return result.records();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof EscException esc) {
        endpoints.failed(conn, esc);
        throw esc;
      }
      throw new IOException(e.getCause());
    }
  }

  /**
   * Reads from the position until a poll that waited {@code quietFor} finds nothing more: the topic
   * as far as this node has it now.
   */
  public List<Record> readToEnd(Duration quietFor)
      throws IOException, InterruptedException, TimeoutException {
    List<Record> all = new ArrayList<>();
    List<Record> got;
    while (!(got = poll(5000, quietFor)).isEmpty()) {
      all.addAll(got);
    }
    return all;
  }

  public long position() {
    return position;
  }

  @Override
  public void close() {
    endpoints.close();
  }
}
