package io.eventstreamcore.node.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eventstreamcore.protocol.Priority;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class PriorityQueuesTest {
  private static final int[] WEIGHTS = {16, 8, 4, 2, 1};

  @Test
  void whileEveryClassWaitsEachGetsItsWeightPerRound() {
    PriorityQueues<Priority> q = new PriorityQueues<>(1_000, WEIGHTS);
    for (int i = 0; i < 500; i++) {
      for (Priority p : Priority.values()) {
        assertThat(q.offer(p, p)).isTrue();
      }
    }
    Map<Priority, Integer> taken = new EnumMap<>(Priority.class);
    for (int i = 0; i < 31 * 10; i++) {
      taken.merge(q.poll(), 1, Integer::sum);
    }
    assertThat(taken)
        .containsEntry(Priority.CRITICAL, 160)
        .containsEntry(Priority.HIGH, 80)
        .containsEntry(Priority.MEDIUM, 40)
        .containsEntry(Priority.LOW, 20)
        .containsEntry(Priority.BATCH, 10);
  }

  @Test
  void moreUrgentClassesGoFirstAndAnIdleClassLeavesItsShareToOthers() {
    PriorityQueues<String> q = new PriorityQueues<>(100, WEIGHTS);
    q.offer(Priority.BATCH, "batch-1");
    q.offer(Priority.LOW, "low-1");
    q.offer(Priority.CRITICAL, "critical-1");
    q.offer(Priority.BATCH, "batch-2");
    assertThat(takeAll(q)).containsExactly("critical-1", "low-1", "batch-1", "batch-2");
  }

  private static List<String> takeAll(PriorityQueues<String> q) {
    List<String> order = new ArrayList<>();
    String s;
    while ((s = q.poll()) != null) {
      order.add(s);
    }
    return order;
  }

  @Test
  void removedItemsLeaveTheRestInOrderAndAreNoLongerTaken() {
    PriorityQueues<String> q = new PriorityQueues<>(100, WEIGHTS);
    q.offer(Priority.BATCH, "drop-1");
    q.offer(Priority.BATCH, "keep-1");
    q.offer(Priority.LOW, "drop-low");
    q.offer(Priority.BATCH, "drop-2");
    q.offer(Priority.BATCH, "keep-2");
    List<String> removed = new ArrayList<>();

    q.removeIf(Priority.BATCH, s -> s.startsWith("drop"), removed::add);

    assertThat(removed).containsExactly("drop-1", "drop-2");
    assertThat(q.depth(Priority.BATCH)).isEqualTo(2);
    assertThat(takeAll(q)).containsExactly("drop-low", "keep-1", "keep-2");
  }

  @Test
  void aFullClassRefusesWhileOthersStillTake() throws InterruptedException {
    PriorityQueues<String> q = new PriorityQueues<>(2, WEIGHTS);
    assertThat(q.offer(Priority.BATCH, "a")).isTrue();
    assertThat(q.offer(Priority.BATCH, "b")).isTrue();
    assertThat(q.offer(Priority.BATCH, "c")).isFalse();
    assertThat(q.offer(Priority.HIGH, "h")).isTrue();
    assertThat(q.fill(Priority.BATCH)).isEqualTo(1.0);
    assertThat(q.fill(Priority.HIGH)).isEqualTo(0.5);
    assertThat(q.depth(Priority.BATCH)).isEqualTo(2);
    assertThat(q.poll(10, TimeUnit.MILLISECONDS)).isEqualTo("h");
  }

  @Test
  void theOldestWaitIsTheLongestAnyQueueHeadHasWaited() {
    PriorityQueues<Long> q = new PriorityQueues<>(10, WEIGHTS);
    assertThat(q.oldestWaitNanos(arrived -> arrived, 1_000)).isZero();
    q.offer(Priority.HIGH, 700L);
    q.offer(Priority.HIGH, 900L);
    q.offer(Priority.BATCH, 300L);
    assertThat(q.oldestWaitNanos(arrived -> arrived, 1_000)).isEqualTo(700);
    q.poll();
    q.poll();
    assertThat(q.oldestWaitNanos(arrived -> arrived, 1_000)).as("BATCH head left").isEqualTo(700);
  }

  @Test
  void pollWaitsAndGivesUp() throws InterruptedException {
    PriorityQueues<String> q = new PriorityQueues<>(2, WEIGHTS);
    assertThat(q.poll(20, TimeUnit.MILLISECONDS)).isNull();
    Thread producer = new Thread(() -> q.offer(Priority.MEDIUM, "m"));
    producer.start();
    assertThat(q.poll(5, TimeUnit.SECONDS)).isEqualTo("m");
    producer.join();
  }

  @Test
  void weightsAreCheckedUpFront() {
    assertThatThrownBy(() -> new PriorityQueues<>(2, new int[] {1, 1}))
        .hasMessageContaining("one weight per priority class");
    assertThatThrownBy(() -> new PriorityQueues<>(2, new int[] {1, 1, 0, 1, 1}))
        .hasMessageContaining("at least 1");
  }
}
