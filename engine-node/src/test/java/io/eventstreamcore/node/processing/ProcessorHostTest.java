package io.eventstreamcore.node.processing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import io.eventstreamcore.node.storage.EventStore;
import io.eventstreamcore.node.storage.StoreConfig;
import io.eventstreamcore.protocol.Event;
import io.eventstreamcore.protocol.EventCodec;
import io.eventstreamcore.protocol.Priority;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A processor host on a real store, with leadership, checkpoints and the DLQ faked. */
class ProcessorHostTest {
  private static final ProcessorHost.Settings SETTINGS =
      new ProcessorHost.Settings(3, Duration.ofMillis(20), Duration.ofMillis(50));

  @TempDir Path dir;
  private EventStore store;
  private final FakeNode node = new FakeNode();

  @BeforeEach
  void open() throws Exception {
    store = EventStore.open(dir, new StoreConfig(1 << 20, 4096, -1, -1));
  }

  @AfterEach
  void close() throws Exception {
    store.close();
  }

  /** Appends events {@code topic-from} … {@code topic-(to - 1)}. */
  private void append(String topic, int from, int to) {
    for (int i = from; i < to; i++) {
      Event e = Event.of(topic + "-" + i, topic, Priority.MEDIUM, new byte[1]);
      store.append(List.of(ByteBuffer.wrap(EventCodec.encode(e))), List.of(topic));
    }
  }

  /** Records what it saw; fails every time on the event ids it is told to. */
  static final class Recording implements EventProcessor {
    final List<String> seen = new CopyOnWriteArrayList<>();
    final List<String> failOn;
    volatile int restoredState = -1;

    Recording(String... failOn) {
      this.failOn = List.of(failOn);
    }

    @Override
    public String name() {
      return "recording";
    }

    @Override
    public boolean subscribes(String topic) {
      return !topic.startsWith("_");
    }

    @Override
    public void process(String topic, long offset, Event event) {
      if (failOn.contains(event.idAsString())) {
        throw new IllegalStateException("cannot handle " + event.idAsString());
      }
      seen.add(event.idAsString());
    }

    @Override
    public JsonNode checkpointState() {
      return IntNode.valueOf(seen.size());
    }

    @Override
    public void restore(JsonNode state) {
      restoredState = state == null ? 0 : state.asInt();
    }
  }

  static final class FakeNode implements ProcessorHost.Services {
    final AtomicLong term = new AtomicLong(1);
    final Map<String, JsonNode> checkpoints = new ConcurrentHashMap<>();
    final List<String> deadLetters = new CopyOnWriteArrayList<>();

    @Override
    public long leadingTerm() {
      return term.get();
    }

    @Override
    public boolean hasWholeLog() {
      return term.get() >= 0;
    }

    @Override
    public JsonNode loadCheckpoint(String key) {
      return checkpoints.get(key);
    }

    @Override
    public CompletableFuture<Void> saveCheckpoint(String key, JsonNode value) {
      checkpoints.put(key, value);
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<?> deadLetter(Event event, String reason) {
      deadLetters.add(event.idAsString() + ": " + reason);
      return CompletableFuture.completedFuture(null);
    }
  }

  private ProcessorHost host(EventProcessor p) {
    ProcessorHost h =
        new ProcessorHost(
            p, store, node, SETTINGS, new ProcessorMetrics(new SimpleMeterRegistry(), p.name()));
    h.start();
    return h;
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as(what).isLessThan(deadline);
      Thread.sleep(10);
    }
  }

  @Test
  void aFailingEventIsRetriedThenDeadLetteredWhileOtherTopicsGoOn() throws Exception {
    append("a", 0, 3);
    append("b", 0, 3);
    Recording p = new Recording("a-1");
    try (ProcessorHost h = host(p)) {
      await("all handled", () -> p.seen.size() == 5);
      assertThat(p.seen).containsSubsequence("a-0", "a-2").contains("b-0", "b-1", "b-2");
      assertThat(node.deadLetters)
          .singleElement()
          .asString()
          .startsWith("a-1: processor recording failed 3 times")
          .contains("cannot handle a-1");
      await("lag gone", () -> h.lag() == 0);
    }
  }

  @Test
  void aNewLeaderResumesFromTheCheckpointWithTheProcessorsState() throws Exception {
    append("a", 0, 4);
    Recording first = new Recording();
    try (ProcessorHost h = host(first)) {
      await(
          "checkpointed",
          () ->
              node.checkpoints.containsKey("processor.recording")
                  && node.checkpoints.get("processor.recording").at("/positions/a").asLong() == 4);
    }
    node.term.set(-1);
    append("a", 4, 6);
    Recording second = new Recording();
    try (ProcessorHost h = host(second)) {
      Thread.sleep(200);
      assertThat(second.seen).as("nothing runs while this node does not lead").isEmpty();
      node.term.set(2);
      await("resumed", () -> second.seen.size() == 2);
      assertThat(second.restoredState).isEqualTo(4);
      assertThat(second.seen).containsExactly("a-4", "a-5");
    }
  }

  @Test
  void losingLeadershipStopsProcessing() throws Exception {
    Recording p = new Recording();
    try (ProcessorHost h = host(p)) {
      append("a", 0, 2);
      await("processed", () -> p.seen.size() == 2);
      node.term.set(-1);
      await("stopped", () -> !h.active());
      append("a", 2, 5);
      Thread.sleep(300);
      assertThat(p.seen).hasSize(2);
    }
  }
}
