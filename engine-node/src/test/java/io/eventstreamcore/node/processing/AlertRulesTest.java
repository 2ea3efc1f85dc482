package io.eventstreamcore.node.processing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.eventstreamcore.node.ingest.DeadLetter;
import io.eventstreamcore.protocol.Event;
import io.eventstreamcore.protocol.Priority;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class AlertRulesTest {
  private final AtomicLong now = new AtomicLong(10_000);
  private final List<Event> fired = new ArrayList<>();
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

  private AlertRules rules(long endOffset) {
    return new AlertRules(
        List.of(
            AlertRule.parse("hot:rate-above:orders:3"),
            AlertRule.parse("quiet:rate-below:orders:1"),
            AlertRule.parse("behind:lag-above:orders:10"),
            AlertRule.parse("dead:dlq-growth-above:orders:1")),
        1_000,
        topic -> endOffset,
        fired::add,
        meters,
        now::get);
  }

  private static Event event(String id) {
    return Event.of(id, "orders", Priority.HIGH, new byte[3]);
  }

  private List<String> firedIds() {
    return fired.stream().map(Event::idAsString).toList();
  }

  @Test
  void eachRuleIsJudgedOncePerClosedWindowAndFiresAnAlertEvent() throws Exception {
    AlertRules r = rules(5);
    r.tick(now.get());
    assertThat(fired).as("the window before the processor ran is not judged").isEmpty();

    now.set(10_100);
    for (int i = 0; i < 5; i++) {
      r.process("orders", i, event("e" + i));
    }
    r.process("_dlq", 0, new DeadLetter(event("d0"), "x", 1).toEvent());
    r.process("_dlq", 1, new DeadLetter(event("d1"), "x", 1).toEvent());
    r.tick(11_050);
    r.tick(11_060);
    assertThat(firedIds()).containsExactly("hot-10000", "dead-10000");
    assertThat(new ObjectMapper().readTree(fired.get(0).payload()).get("value").asDouble())
        .isEqualTo(5.0);
    assertThat(fired.get(0).topic()).isEqualTo("_alerts");

    r.tick(12_000);
    assertThat(firedIds()).as("no events in 11000..12000").endsWith("quiet-11000");
    assertThat(meters.get("esc.alerts.fired").tag("rule", "hot").counter().count()).isEqualTo(1);
  }

  @Test
  void lagIsCommittedEventsTheProcessorHasNotSeen() {
    AlertRules r = rules(100);
    r.tick(10_000);
    r.process("orders", 0, event("e0"));
    r.tick(11_000);
    assertThat(firedIds()).contains("behind-10000");
  }

  @Test
  void aRestoredInstanceDoesNotJudgeAWindowAgain() {
    AlertRules r = rules(5);
    r.tick(10_000);
    now.set(10_100);
    for (int i = 0; i < 5; i++) {
      r.process("orders", i, event("e" + i));
    }
    r.tick(11_050);
    int before = fired.size();

    AlertRules restored = rules(5);
    restored.restore(r.checkpointState());
    restored.tick(11_070);
    assertThat(fired).hasSize(before);
  }
}
