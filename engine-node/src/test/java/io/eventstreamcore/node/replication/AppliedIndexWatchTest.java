package io.eventstreamcore.node.replication;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AppliedIndexWatchTest {
  private final AppliedIndexWatch watch = new AppliedIndexWatch();

  @AfterEach
  void close() {
    watch.close();
  }

  @Test
  void anIndexAlreadyAppliedIsReachedAtOnce() {
    watch.advance(7);
    assertThat(watch.reached(7)).isDone();
    assertThat(watch.reached(3)).isDone();
  }

  @Test
  void aWaiterIsReleasedOnceTheIndexIsAppliedAndNotBefore() throws Exception {
    CompletableFuture<Void> later = watch.reached(12);
    watch.advance(11);
    assertThat(later.copy().completeOnTimeout(null, 50, TimeUnit.MILLISECONDS).get()).isNull();
    assertThat(later).as("12 is not applied yet").isNotDone();
    watch.advance(12);
    later.get(5, TimeUnit.SECONDS);
  }

  @Test
  void waitersRunOffTheApplyingThread() throws Exception {
    AtomicReference<String> ranOn = new AtomicReference<>();
    CompletableFuture<Void> reached =
        watch.reached(1).thenRun(() -> ranOn.set(Thread.currentThread().getName()));
    watch.advance(1);
    reached.get(5, TimeUnit.SECONDS);
    assertThat(ranOn.get()).isEqualTo("esc-applied-watch");
  }

  /**
   * A waiter that asks for an index just as it is applied, with nothing applied after it, is still
   * released: the last write a follower passes on before the load stops is such a case.
   */
  @Test
  void aWaiterRacingTheLastApplyIsReleased() throws Exception {
    ExecutorService applier = Executors.newSingleThreadExecutor();
    List<CompletableFuture<Void>> waiters = new ArrayList<>();
    List<AppliedIndexWatch> watches = new ArrayList<>();
    try {
      for (int round = 0; round < 2_000; round++) {
        AppliedIndexWatch fresh = new AppliedIndexWatch();
        watches.add(fresh);
        CyclicBarrier start = new CyclicBarrier(2);
        Future<?> applied =
            applier.submit(
                () -> {
                  start.await();
                  fresh.advance(1);
                  return null;
                });
        start.await();
        waiters.add(fresh.reached(1));
        applied.get();
      }
      for (CompletableFuture<Void> w : waiters) {
        w.get(5, TimeUnit.SECONDS);
      }
    } finally {
      applier.shutdownNow();
      watches.forEach(AppliedIndexWatch::close);
    }
  }
}
