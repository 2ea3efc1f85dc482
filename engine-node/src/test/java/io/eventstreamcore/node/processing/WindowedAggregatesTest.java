package io.eventstreamcore.node.processing;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventstreamcore.protocol.Event;
import io.eventstreamcore.protocol.Priority;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class WindowedAggregatesTest {
  private final AtomicLong now = new AtomicLong(60_000);
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

  private WindowedAggregates aggregates() {
    return new WindowedAggregates(
        new TopicPatterns(List.of("orders.*", "_dlq")), 10_000, 2, meters, now::get);
  }

  private static Event event(int bytes) {
    return Event.of("x", "orders.eu", Priority.LOW, new byte[bytes]);
  }

  @Test
  void prefixesNeverMatchTheEnginesOwnTopicsButExactNamesDo() {
    WindowedAggregates a = aggregates();
    assertThat(a.subscribes("orders.eu")).isTrue();
    assertThat(a.subscribes("_dlq")).isTrue();
    assertThat(new TopicPatterns(List.of("*")).matches("_checkpoints")).isFalse();
    assertThat(new TopicPatterns(List.of("*")).matches("anything")).isTrue();
  }

  @Test
  void countsEventsAndBytesPerWindowAndInTotal() {
    WindowedAggregates a = aggregates();
    a.process("orders.eu", 0, event(10));
    a.process("orders.eu", 1, event(20));
    now.set(71_000);
    a.process("orders.eu", 2, event(5));
    now.set(95_000);
    a.process("orders.eu", 3, event(1));

    WindowedAggregates.TopicAggregate t = a.snapshot().get("orders.eu");
    assertThat(t.events()).isEqualTo(4);
    assertThat(t.bytes()).isEqualTo(36);
    assertThat(t.windows())
        .as("two windows retained")
        .containsExactly(
            new WindowedAggregates.WindowView(70_000, 80_000, 1, 5, 0.1),
            new WindowedAggregates.WindowView(90_000, 100_000, 1, 1, 0.1));
    assertThat(
            meters.get("esc.aggregates.events").tag("topic", "orders.eu").functionCounter().count())
        .isEqualTo(4);
  }

  @Test
  void aRestoredInstanceHasTheCheckpointedCounts() {
    WindowedAggregates a = aggregates();
    a.process("orders.eu", 0, event(10));
    a.process("orders.eu", 1, event(20));

    WindowedAggregates b = aggregates();
    b.restore(a.checkpointState());
    assertThat(b.snapshot()).isEqualTo(a.snapshot());
  }
}
