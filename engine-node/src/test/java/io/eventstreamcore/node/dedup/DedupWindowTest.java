package io.eventstreamcore.node.dedup;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DedupWindowTest {
  private static final long WINDOW = 300_000;

  @Test
  void theConfiguredWindowWhileNoBucketDroppedIdsEarly() {
    DedupWindow w = new DedupWindow(WINDOW);
    DedupWindow.Kept kept = w.observe(-1, 0, 1_000_000);
    assertThat(kept.effectiveMillis()).isEqualTo(WINDOW);
    assertThat(kept.narrowed()).isFalse();
  }

  @Test
  void narrowsToTheTimeSinceTheLatestEarlyDropThenWidensBack() {
    DedupWindow w = new DedupWindow(WINDOW);
    long dropAt = 1_000_000;
    DedupWindow.Kept justAfter = w.observe(dropAt, 500, dropAt + 20_000);
    assertThat(justAfter.effectiveMillis()).isEqualTo(20_000);
    assertThat(justAfter.narrowed()).isTrue();
    assertThat(justAfter.droppedBeforeWindowEnd()).isEqualTo(500);
    assertThat(w.kept()).isEqualTo(justAfter);

    assertThat(w.observe(dropAt, 500, dropAt + WINDOW).narrowed())
        .as("a whole window after the drop every id of the window is there again")
        .isFalse();
  }
}
