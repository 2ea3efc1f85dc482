package io.eventstreamcore.node.dedup;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventstreamcore.node.storage.EventStore;
import io.eventstreamcore.node.storage.StoreConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecentIdsFillTest {
  private static final long WINDOW = Duration.ofMinutes(5).toMillis();

  @TempDir Path dir;

  @Test
  void aFillReadsTheLogsWindowIntoTheFiltersAndThenTrustsThem() throws Exception {
    try (EventStore store = EventStore.open(dir, new StoreConfig(1 << 20, 4096, -1, -1))) {
      store.append(
          List.of(DedupTableTest.event("a", "x"), DedupTableTest.event("b", "y")),
          List.of("a", "b"));
      RecentIds recent = new RecentIds(WINDOW, 1_000_000, System.currentTimeMillis());
      try (RecentIdsFill fill = new RecentIdsFill(recent, new LogWindow(store), WINDOW)) {
        fill.request();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!recent.trusted(System.currentTimeMillis())) {
          assertThat(System.nanoTime()).as("filled in time").isLessThan(deadline);
          Thread.sleep(5);
        }
      }
      assertThat(recent.mightHave(List.of(key("a", "x"), key("b", "y"), key("a", "y"))))
          .containsExactly(true, true, false);
    }
  }

  private static DedupKey key(String topic, String id) {
    return DedupKey.of(DedupTableTest.event(topic, id));
  }
}
