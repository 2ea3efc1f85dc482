package io.eventstreamcore.node.consume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The store calls {@link AppendSignal#appended} on Raft's apply thread. */
class AppendSignalTest {
  private final AppendSignal signal = new AppendSignal();

  @Test
  void aWokenReaderRunsOffTheApplyingThread() {
    AtomicReference<Thread> ranOn = new AtomicReference<>();
    signal.next("orders").thenRun(() -> ranOn.set(Thread.currentThread()));

    signal.appended("orders");

    await().until(() -> ranOn.get() != null);
    assertThat(ranOn.get()).isNotSameAs(Thread.currentThread());
  }

  @Test
  @Timeout(30) // before, appended() ran the blocked reader itself and never returned
  void aReaderThatBlocksDoesNotHoldUpTheNextApply() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    signal.next("orders").thenRun(() -> awaitQuietly(release));
    List<String> woken = new CopyOnWriteArrayList<>();
    signal.next("payments").thenRun(() -> woken.add("payments"));

    signal.appended("orders");
    signal.appended("payments");
    // Wake-ups keep apply order: the second waits behind the first.
    assertThat(woken).isEmpty();

    release.countDown();
    await().until(() -> woken.contains("payments"));
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
