package io.eventstreamcore.node.processing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventstreamcore.node.storage.EventStore;
import io.eventstreamcore.node.storage.OffsetOutOfRangeException;
import io.eventstreamcore.node.storage.ReadChunk;
import io.eventstreamcore.protocol.Event;
import io.eventstreamcore.protocol.Record;
import io.eventstreamcore.protocol.WireReader;
import java.io.Closeable;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jboss.logging.Logger;

/**
 * Runs one {@link EventProcessor} on the leader: from the last checkpoint when it gains leadership,
 * topic by topic in offset order, retrying a failing event with backoff and dead-lettering it after
 * the last attempt, and checkpointing positions with the processor's state through the log. It
 * stops when this node stops leading.
 */
public final class ProcessorHost implements Closeable {
  private static final Logger LOG = Logger.getLogger(ProcessorHost.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int EVENTS_PER_READ = 500;

  /** What the host needs of the node; {@link NodeServices} is the real one. */
  public interface Services {
    /** The current term while this node leads, else -1. */
    long leadingTerm();

    /** True when this node leads and its store holds the whole committed log. */
    boolean hasWholeLog();

    JsonNode loadCheckpoint(String key);

    CompletableFuture<Void> saveCheckpoint(String key, JsonNode value);

    CompletableFuture<?> deadLetter(Event event, String reason);
  }

  /** How a host retries and checkpoints. */
  public record Settings(int maxAttempts, Duration firstBackoff, Duration checkpointInterval) {}

  private static final class Cursor {
    volatile long next;
    int attempts;
    long retryAtMillis;

    Cursor(long next) {
      this.next = next;
    }
  }

  private final EventProcessor processor;
  private final EventStore store;
  private final Services services;
  private final Settings settings;
  private final ProcessorMetrics metrics;
  private final Thread thread;
  private final Map<String, Cursor> cursors = new ConcurrentHashMap<>();
  private volatile boolean running = true;
  private long activeTerm = -1;
  private long lastCheckpointMillis;
  private boolean changedSinceCheckpoint;

  public ProcessorHost(
      EventProcessor processor,
      EventStore store,
      Services services,
      Settings settings,
      ProcessorMetrics metrics) {
    this.processor = processor;
    this.store = store;
    this.services = services;
    this.settings = settings;
    this.metrics = metrics;
    this.thread = new Thread(this::run, "esc-processor-" + processor.name());
    thread.setDaemon(true);
  }

  public void start() {
    thread.start();
  }

  public EventProcessor processor() {
    return processor;
  }

  /** Whether this host is processing now (this node leads and resumed from the checkpoint). */
  public boolean active() {
    return activeTerm >= 0;
  }

  private String checkpointKey() {
    return "processor." + processor.name();
  }

  private void run() {
    while (running) {
      try {
        if (!followLeadership()) {
          Thread.sleep(100);
          continue;
        }
        boolean worked = processAvailable();
        long now = System.currentTimeMillis();
        processor.tick(now);
        if (changedSinceCheckpoint
            && now - lastCheckpointMillis >= settings.checkpointInterval().toMillis()) {
          checkpoint(now);
        }
        if (!worked) {
          Thread.sleep(50);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        LOG.errorf(e, "processor %s host failed; resuming from its checkpoint", processor.name());
        activeTerm = -1;
      }
    }
  }

  /** Starts on gaining leadership, stops on losing it; true while active. */
  private boolean followLeadership() {
    long term = services.leadingTerm();
    if (term != activeTerm && activeTerm >= 0) {
      LOG.infof(
          "processor %s stops: this node no longer leads term %d", processor.name(), activeTerm);
      activeTerm = -1;
    }
    if (activeTerm < 0 && term >= 0 && services.hasWholeLog()) {
      resume(term);
    }
    return activeTerm >= 0;
  }

  private void resume(long term) {
    JsonNode saved = services.loadCheckpoint(checkpointKey());
    cursors.clear();
    JsonNode positions = saved == null ? null : saved.get("positions");
    if (positions != null) {
      positions
          .fields()
          .forEachRemaining(e -> cursors.put(e.getKey(), new Cursor(e.getValue().asLong())));
    }
    processor.restore(saved == null ? null : saved.get("state"));
    activeTerm = term;
    lastCheckpointMillis = System.currentTimeMillis();
    changedSinceCheckpoint = false;
    LOG.infof(
        "processor %s runs on this leader (term %d) from its checkpoint: %s",
        processor.name(), term, positions == null ? "none, every topic from its start" : positions);
  }

  /**
   * @return true when any event was handled (or dead-lettered)
   */
  private boolean processAvailable() throws InterruptedException {
    boolean worked = false;
    long now = System.currentTimeMillis();
    for (String topic : store.topics()) {
      if (!processor.subscribes(topic)) {
        continue;
      }
      Cursor c = cursors.computeIfAbsent(topic, t -> new Cursor(store.startOffset(t)));
      if (c.retryAtMillis > now) {
        continue;
      }
      worked |= processTopic(topic, c);
    }
    return worked;
  }

  private boolean processTopic(String topic, Cursor c) throws InterruptedException {
    ReadChunk chunk;
    try {
      chunk = store.read(topic, c.next, EVENTS_PER_READ, 16 << 20);
    } catch (OffsetOutOfRangeException e) {
      long start = store.startOffset(topic);
      LOG.warnf(
          "processor %s: %s events %d..%d were deleted by retention before it saw them",
          processor.name(), topic, c.next, start - 1);
      c.next = start;
      return true;
    }
    boolean worked = false;
    List<Record> records = Record.readAll(new WireReader(chunk.records()), chunk.count());
    for (Iterator<Record> it = records.iterator(); it.hasNext() && running; ) {
      Record r = it.next();
      Event event = r.event();
      try {
        processor.process(topic, r.offset(), event);
        metrics.processed();
      } catch (Exception e) {
        if (!failed(topic, r.offset(), event, c, e)) {
          return worked;
        }
      }
      c.next = r.offset() + 1;
      c.attempts = 0;
      changedSinceCheckpoint = true;
      worked = true;
    }
    return worked;
  }

  /**
   * @return true when the event was dead-lettered and the topic may go on
   */
  private boolean failed(String topic, long offset, Event event, Cursor c, Exception e)
      throws InterruptedException {
    c.attempts++;
    metrics.failed();
    if (c.attempts < settings.maxAttempts()) {
      long backoff = settings.firstBackoff().toMillis() << Math.min(c.attempts - 1, 10);
      c.retryAtMillis = System.currentTimeMillis() + backoff;
      LOG.debugf(
          e,
          "processor %s failed on %s@%d (attempt %d)",
          processor.name(),
          topic,
          offset,
          c.attempts);
      return false;
    }
    String reason = "processor " + processor.name() + " failed " + c.attempts + " times: " + e;
    try {
      services.deadLetter(event, reason).get(10, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException d) {
      c.retryAtMillis = System.currentTimeMillis() + settings.firstBackoff().toMillis();
      LOG.warnf(
          "processor %s: %s@%d could not be dead-lettered yet: %s",
          processor.name(), topic, offset, d);
      return false;
    }
    metrics.deadLettered();
    LOG.warnf("processor %s: %s@%d dead-lettered: %s", processor.name(), topic, offset, reason);
    return true;
  }

  private void checkpoint(long now) {
    ObjectNode value = JSON.createObjectNode();
    ObjectNode positions = value.putObject("positions");
    cursors.forEach((topic, c) -> positions.put(topic, c.next));
    value.set("state", processor.checkpointState());
    lastCheckpointMillis = now;
    changedSinceCheckpoint = false;
    services
        .saveCheckpoint(checkpointKey(), value)
        .whenComplete(
            (ok, error) -> {
              if (error != null) {
                LOG.debugf("processor %s checkpoint not written: %s", processor.name(), error);
              } else {
                metrics.checkpointed();
              }
            });
  }

  /** Events committed in subscribed topics that this host has not handled yet. */
  public long lag() {
    long lag = 0;
    for (String topic : store.topics()) {
      if (processor.subscribes(topic)) {
        Cursor c = cursors.get(topic);
        lag += store.endOffset(topic) - (c == null ? store.startOffset(topic) : c.next);
      }
    }
    return lag;
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
    try {
      thread.join(2_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
