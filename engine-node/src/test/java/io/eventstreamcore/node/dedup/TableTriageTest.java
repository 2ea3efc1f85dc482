package io.eventstreamcore.node.dedup;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TableTriageTest {
  private static final long WINDOW = 60_000;
  private static final DedupKey APPLIED = new DedupKey(11, 13);
  private static final DedupKey UNWRITTEN = new DedupKey(17, 19);
  private static final DedupKey FRESH = new DedupKey(23, 29);

  private final InFlightIds inFlight = new InFlightIds(10_000);
  private final RecentIds recent = new RecentIds(WINDOW, 1_000_000, 0);
  private final Map<DedupKey, long[]> unwritten = new HashMap<>();
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final TableTriage triage =
      new TableTriage(inFlight, recent, unwritten::get, new DedupMetrics(meters));

  @Test
  void withTrustedFiltersOnlyKeysTheyMayHaveSeenAreAskedOf() {
    recent.trustFrom(-WINDOW, recent.distrust());
    recent.add(List.of(APPLIED, UNWRITTEN), 0);
    unwritten.put(UNWRITTEN, DedupEntry.stored(4));

    TableTriage.Sorted sorted = triage.sort(1, 10, List.of(APPLIED, UNWRITTEN, FRESH), 0);

    assertThat(sorted.ask()).containsExactly(APPLIED);
    assertThat(sorted.known()).containsOnlyKeys(UNWRITTEN);
    assertThat(sorted.held()).isEmpty();
    assertThat(meters.counter("esc.dedup.filter.keys", "answer", "never").count()).isEqualTo(1);
    assertThat(meters.counter("esc.dedup.filter.keys", "answer", "maybe").count()).isEqualTo(2);
  }

  @Test
  void untilTheFiltersAreFilledEveryKeyIsAskedOf() {
    TableTriage.Sorted sorted = triage.sort(1, 10, List.of(FRESH), 0);
    assertThat(sorted.ask()).containsExactly(FRESH);
  }

  @Test
  void aKeyAnotherBatchCarriesIsHeldEvenIfTheFiltersNeverSawIt() {
    recent.trustFrom(-WINDOW, recent.distrust());
    assertThat(triage.sort(1, 10, List.of(FRESH), 0).ask()).isEmpty();

    TableTriage.Sorted second = triage.sort(1, 11, List.of(FRESH), 1);

    assertThat(second.held()).containsExactly(FRESH);
    assertThat(second.ask()).isEmpty();
  }
}
