package io.eventstreamcore.node.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventstreamcore.protocol.Priority;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class QueuedSheddingTest {
  private final PriorityQueues<String> queues =
      new PriorityQueues<>(100, new int[] {16, 8, 4, 2, 1});
  private final AtomicReference<PipelineState> state = new AtomicReference<>(PipelineState.HEALTHY);
  private final List<String> refused = new ArrayList<>();
  private final QueuedShedding<String> shedding =
      new QueuedShedding<>(
          queues, state::get, s -> !s.startsWith("kept"), (p, s) -> refused.add(p + " " + s));

  @Test
  void whatWaitsOfANewlyShedClassIsRefusedExceptWhatMustBeStored() {
    queues.offer(Priority.BATCH, "b1");
    queues.offer(Priority.BATCH, "kept-dead-letter");
    queues.offer(Priority.LOW, "l1");
    shedding.run();
    assertThat(refused).isEmpty();

    state.set(PipelineState.DEGRADED);
    shedding.run();
    assertThat(refused).containsExactly("BATCH b1");
    assertThat(queues.depth(Priority.BATCH)).isEqualTo(1);
    assertThat(queues.depth(Priority.LOW)).isEqualTo(1);

    queues.offer(Priority.MEDIUM, "m1");
    state.set(PipelineState.CRITICAL);
    shedding.run();
    assertThat(refused).containsExactly("BATCH b1", "MEDIUM m1", "LOW l1");
  }

  @Test
  void aClassIsRefusedOnlyWhenItStopsBeingAdmittedAgain() {
    state.set(PipelineState.DEGRADED);
    shedding.run();
    queues.offer(Priority.BATCH, "admitted-just-before");
    shedding.run();
    assertThat(refused).isEmpty();

    state.set(PipelineState.ELEVATED);
    shedding.run();
    state.set(PipelineState.DEGRADED);
    shedding.run();
    assertThat(refused).containsExactly("BATCH admitted-just-before");
  }
}
