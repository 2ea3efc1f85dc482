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
   * One verdict per event of a batch, in order, and the leader term they hold for: what keeps a
   * resend of an admitted id out lasts only that term, so the batch may enter the log in that term
   * alone ({@link EventBatch#admittedTerm}). {@link #ANY_TERM} where nothing needs that.
   */
  record Verdicts(long term, List<Verdict> each) {}

  long ANY_TERM = -1;

  /**
   * @return the verdicts; completes exceptionally when no decision could be made (every event is
   *     then refused as UNAVAILABLE)
   */
  CompletableFuture<Verdicts> admit(long batchId, List<ByteBuffer> events);

  /**
   * The batch will not enter the log in the term that admitted it: it was refused on the way, or
   * Ratis failed it. Its ids may be admitted again. Never called on a timeout, whose outcome is
   * unknown, so that a resend is not admitted while the batch may still commit in this term.
   */
  default void abandoned(long batchId, List<ByteBuffer> events) {}

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
          CompletableFuture.completedFuture(
              new Verdicts(ANY_TERM, events.stream().map(e -> ADMIT).toList()));
}
