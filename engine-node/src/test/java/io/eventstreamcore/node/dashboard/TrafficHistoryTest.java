package io.eventstreamcore.node.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.eventstreamcore.node.ingest.ProduceMetrics;
import io.eventstreamcore.node.metrics.TopicPriorityCounters;
import io.eventstreamcore.protocol.Priority;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class TrafficHistoryTest {
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final TopicPriorityCounters in = new TopicPriorityCounters(meters, "esc.events.in");
  private final TrafficHistory history = new TrafficHistory(meters, new ProduceMetrics(meters));

  @Test
  void ratesAreCountsBetweenSamplesOverTheSecondsBetweenThem() {
    in.of("orders", Priority.HIGH).increment(500);
    history.sample(10_000);
    assertThat(history.all()).as("the first reading is only a baseline").isEmpty();

    in.of("orders", Priority.HIGH).increment(300);
    in.of("audit", Priority.BATCH).increment(100);
    history.sample(12_000);

    TrafficSample s = history.latest();
    assertThat(s.in()).isCloseTo(200, within(0.001));
    assertThat(s.inByTopic()).containsEntry("orders", 150.0).containsEntry("audit", 50.0);
    assertThat(s.inByPriority()).containsEntry("HIGH", 150.0).containsEntry("BATCH", 50.0);
    assertThat(s.acks()).isZero();
    assertThat(s.ackP99Ms()).isNull();
  }

  @Test
  void keepsFiveMinutesOfSamples() {
    for (int i = 0; i <= TrafficHistory.SAMPLES + 10; i++) {
      history.sample(1_000L * (i + 1));
    }
    assertThat(history.all()).hasSize(TrafficHistory.SAMPLES);
    assertThat(history.all().get(0).at()).isEqualTo(12_000);
  }
}
