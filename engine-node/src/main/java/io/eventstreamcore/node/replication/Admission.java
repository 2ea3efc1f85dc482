package io.eventstreamcore.node.replication;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Decides, per event of a batch about to be replicated, whether it goes into the log. */
public interface Admission {
  /** What happens to one event: replicated, or answered at once instead. */
  sealed interface Verdict {}

  /** Goes into the log. */
  record Admit() implements Verdict {}

  /** Stored before at {@code offset}: answered DUPLICATE with it. */
  record Duplicate(long offset) implements Verdict {}

  /** Not now: answered with a retryable error saying why. */
  record Refuse(String reason) implements Verdict {}

  Verdict ADMIT = new Admit();

  /**
   * @return one verdict per event, in order; completes exceptionally when no decision could be made
   *     (every event is then refused as UNAVAILABLE)
   */
  CompletableFuture<List<Verdict>> admit(long batchId, List<ByteBuffer> events);

  /**
   * The log index through which what admission knows of the log is written where every node can
   * read it, stamped into each batch ({@link EventBatch#recordedThrough}); -1 when nothing is.
   */
  default long recordedThrough() {
    return -1;
  }

  /** Admits everything: a node without dedup. */
  Admission ALL =
      (batchId, events) ->
          CompletableFuture.completedFuture(events.stream().map(e -> ADMIT).toList());
}
