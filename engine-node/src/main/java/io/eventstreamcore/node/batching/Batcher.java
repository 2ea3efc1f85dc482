package io.eventstreamcore.node.batching;

import io.eventstreamcore.node.pipeline.PriorityQueues;
import io.eventstreamcore.node.pipeline.QueuedShedding;
import io.eventstreamcore.node.pipeline.RecentMax;
import io.eventstreamcore.node.replication.Admission;
import io.eventstreamcore.node.replication.AppendResult;
import io.eventstreamcore.node.replication.EventBatch;
import io.eventstreamcore.node.replication.Peer;
import io.eventstreamcore.node.replication.RaftNode;
import io.eventstreamcore.node.threads.DaemonThreads;
import io.eventstreamcore.protocol.ErrorCode;
import io.eventstreamcore.protocol.Priority;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntSupplier;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.exceptions.NotLeaderException;
import org.apache.ratis.protocol.exceptions.RaftRetryFailureException;
import org.apache.ratis.protocol.exceptions.TimeoutIOException;
import org.jboss.logging.Logger;

/**
 * Takes validated events from the priority queues (most urgent first, with a share for every class)
 * and groups them into batches of up to {@code maxEvents} or {@code linger}, whichever comes first,
 * and replicates each batch in a Raft log entry, several batches to an entry while earlier entries
 * are still in Ratis ({@link RaftEntries}). Many batches may be in flight; Ratis's log worker
 * shares one fsync among all entries written since the last one (group commit), so concurrent
 * producers pay for fsync together.
 */
public final class Batcher implements Closeable {
  private static final Logger LOG = Logger.getLogger(Batcher.class);

  /**
   * One event waiting for a batch, where its answer goes, when it arrived ({@link
   * System#nanoTime}), and whether it may still be refused if its class is shed while it waits (a
   * producer's event, not a dead letter or the engine's own).
   */
  public record Pending(
      ByteBuffer event, PendingProduce owner, int index, long arrivedNanos, boolean sheddable) {}

  private final RaftNode raft;
  private final Admission admission;
  private final RaftEntries entries;
  private final ExecutorService packer =
      Executors.newSingleThreadExecutor(DaemonThreads.named("esc-raft-entries"));
  private final int maxEvents;
  private final long lingerNanos;
  private final PriorityQueues<Pending> queue;

  /** Arrival to commit of each batch's oldest event: what the load-control loop watches. */
  private final RecentMax recentLatency;

  private final InFlightLimit inFlight;
  private final Thread thread;
  private QueuedShedding<Pending> shedding;
  private final long answerWithinMillis;
  private final DistributionSummary batchSize;
  private final Timer commitTime;
  private volatile boolean running = true;
  private long nextBatchId = ThreadLocalRandom.current().nextLong() & 0x7FFF_FFFF_0000_0000L;

  /** Batches go to Raft in the order they were formed, whenever their admission completes. */
  private CompletableFuture<Void> previousSubmit = CompletableFuture.completedFuture(null);

  /**
   * @param maxInFlight batches allowed in dedup and Raft at once, asked before each batch (the node
   *     lowers it while it sheds load)
   * @param maxEntriesInFlight Raft entries at once; batches admitted meanwhile share the next one
   * @param answerWithinMillis every event is answered within this time: a batch Ratis has not
   *     settled by then is answered TIMEOUT (it may still commit; producers retry with the id)
   */
  public Batcher(
      RaftNode raft,
      Admission admission,
      int maxEvents,
      long lingerNanos,
      IntSupplier maxInFlight,
      int maxEntriesInFlight,
      PriorityQueues<Pending> queue,
      RecentMax recentLatency,
      long answerWithinMillis,
      MeterRegistry meters) {
    this.raft = raft;
    this.admission = admission;
    this.entries =
        new RaftEntries(
            raft::submit,
            admission::recordedThrough,
            maxEntriesInFlight,
            answerWithinMillis,
            packer);
    this.answerWithinMillis = answerWithinMillis;
    this.maxEvents = maxEvents;
    this.lingerNanos = lingerNanos;
    this.queue = queue;
    this.inFlight = new InFlightLimit(maxInFlight);
    this.recentLatency = recentLatency;
    this.batchSize =
        DistributionSummary.builder("esc.batch.events")
            .description("Events per replicated batch")
            .publishPercentileHistogram()
            .minimumExpectedValue(1.0)
            .maximumExpectedValue((double) maxEvents)
            .register(meters);
    this.commitTime =
        Timer.builder("esc.replication.commit")
            .description("From batch submit to committed on a quorum (fsync included) and applied")
            .publishPercentileHistogram()
            .register(meters);
    this.thread = new Thread(this::run, "esc-batcher");
    thread.setDaemon(true);
  }

  /**
   * @param shedding refuses, between batches, what waits in the queue of a class the node stops
   *     admitting
   */
  public void start(QueuedShedding<Pending> shedding) {
    this.shedding = shedding;
    thread.start();
  }

  /** Queues one event in its class's queue; false when that is full. */
  public boolean offer(Priority priority, Pending p) {
    return running && queue.offer(priority, p);
  }

  private void run() {
    List<Pending> batch = new ArrayList<>(maxEvents);
    while (running) {
      try {
        shedding.run();
        // While the limit of batches in flight is reached, events wait in their class's queue,
        // where the most urgent are taken first once a batch settles.
        if (!inFlight.tryAcquire(100, TimeUnit.MILLISECONDS)) {
          continue;
        }
        Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
        if (first == null) {
          inFlight.release();
          continue;
        }
        batch.add(first);
        long deadline = System.nanoTime() + lingerNanos;
        while (batch.size() < maxEvents) {
          Pending next = queue.poll();
          if (next == null) {
            long wait = deadline - System.nanoTime();
            if (wait <= 0 || (next = queue.poll(wait, TimeUnit.NANOSECONDS)) == null) {
              break;
            }
          }
          batch.add(next);
        }
        submit(List.copyOf(batch));
        batch.clear();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        LOG.error("batch could not be submitted", e);
        failAll(batch, ErrorCode.INTERNAL, e.toString(), "");
        inFlight.release();
        batch.clear();
      }
    }
  }

  private void submit(List<Pending> batch) {
    List<ByteBuffer> events = new ArrayList<>(batch.size());
    for (Pending p : batch) {
      events.add(p.event());
    }
    long batchId = nextBatchId++;
    CompletableFuture<Admission.Verdicts> verdicts =
        admission.admit(batchId, events).orTimeout(answerWithinMillis, TimeUnit.MILLISECONDS);
    previousSubmit =
        previousSubmit
            .thenCompose(done -> verdicts)
            .handle(
                (v, error) -> {
                  try {
                    replicateAdmitted(batchId, batch, v, error);
                  } catch (RuntimeException e) {
                    LOG.error("batch could not be replicated", e);
                    failAll(batch, ErrorCode.INTERNAL, e.toString(), "");
                  }
                  return null;
                });
  }

  /** Answers what admission settled and replicates the rest; frees the batch's in-flight slot. */
  private void replicateAdmitted(
      long batchId, List<Pending> batch, Admission.Verdicts verdicts, Throwable error) {
    boolean submitted = false;
    try {
      submitted = replicate(batchId, batch, verdicts, error);
    } finally {
      if (!submitted) {
        inFlight.release();
      }
    }
  }

  /**
   * @return true when the batch went to Raft (its completion frees the slot)
   */
  private boolean replicate(
      long batchId, List<Pending> batch, Admission.Verdicts verdicts, Throwable error) {
    if (error != null) {
      admission.abandoned(batchId, eventsOf(batch));
      failAll(batch, ErrorCode.UNAVAILABLE, "dedup table unavailable: " + unwrap(error), "");
      return false;
    }
    List<Pending> admitted = new ArrayList<>(batch.size());
    for (int i = 0; i < batch.size(); i++) {
      Pending p = batch.get(i);
      Admission.Verdict v = verdicts.each().get(i);
      if (v instanceof Admission.Duplicate d) {
        p.owner().duplicate(p.index(), d.offset());
      } else if (v instanceof Admission.Refuse r) {
        p.owner().fail(p.index(), ErrorCode.UNAVAILABLE, r.reason());
      } else {
        admitted.add(p);
      }
    }
    if (admitted.isEmpty()) {
      return false;
    }
    List<ByteBuffer> events = eventsOf(admitted);
    batchSize.record(admitted.size());
    long start = System.nanoTime();
    entries.add(
        batchId,
        verdicts.term(),
        events,
        (reply, failure, from) -> {
          inFlight.release();
          long now = System.nanoTime();
          commitTime.record(now - start, TimeUnit.NANOSECONDS);
          recentLatency.record(now - admitted.get(0).arrivedNanos());
          if (!complete(admitted, reply, failure, from)) {
            admission.abandoned(batchId, events);
          }
        });
    return true;
  }

  private static List<ByteBuffer> eventsOf(List<Pending> batch) {
    List<ByteBuffer> events = new ArrayList<>(batch.size());
    for (Pending p : batch) {
      events.add(p.event());
    }
    return events;
  }

  /**
   * Answers the batch's producers.
   *
   * @param from where the batch's first event is among the events of the entry that carried it
   * @return false when the batch will not enter the log in this term; true when it was stored or
   *     its outcome is unknown (a timeout: it may still commit)
   */
  private boolean complete(List<Pending> batch, RaftClientReply reply, Throwable error, int from) {
    if (error == null && reply.isSuccess()) {
      try {
        long[] offsets =
            AppendResult.decode(reply.getMessage().getContent().asReadOnlyByteBuffer());
        for (int i = 0; i < batch.size(); i++) {
          batch.get(i).owner().succeed(batch.get(i).index(), offsets[from + i]);
        }
        return true;
      } catch (AppendResult.AdmittedInAnotherTerm e) {
        failAll(batch, ErrorCode.UNAVAILABLE, e.getMessage() + "; retry", "");
      } catch (EventBatch.CorruptBatchException e) {
        failAll(batch, ErrorCode.INTERNAL, "batch rejected at apply: " + e.getMessage(), "");
      }
      return false;
    }
    Throwable cause = error != null ? unwrap(error) : reply.getException();
    if (cause instanceof NotLeaderException nle) {
      // Without a suggested leader this node stepped down, e.g. cut off from the others: an empty
      // hint still sends the client to another node rather than back here.
      String leader =
          nle.getSuggestedLeader() == null ? "" : nle.getSuggestedLeader().getId().toString();
      String endpoint =
          raft.peers().stream()
              .filter(p -> p.id().equals(leader))
              .map(Peer::clientEndpoint)
              .findFirst()
              .orElse("");
      failAll(
          batch,
          ErrorCode.NOT_LEADER,
          leader.isEmpty() ? "this node no longer leads" : "leader is " + leader,
          endpoint);
      return false;
    }
    if (cause instanceof TimeoutIOException || cause instanceof TimeoutException) {
      failAll(batch, ErrorCode.TIMEOUT, "not committed in time: " + cause.getMessage(), "");
      return true;
    }
    failAll(batch, ErrorCode.UNAVAILABLE, "replication failed: " + cause, "");
    // Ratis settled the request: it refused it (not ready, queue full), its client was closed
    // before sending it (a peer reconnect replaces the client), or the server failed it, which
    // after an append it does only when it steps down and the term ends. Holding the ids would
    // refuse their retries for the rest of the term.
    return false;
  }

  private static Throwable unwrap(Throwable t) {
    Throwable c = t;
    while ((c instanceof java.util.concurrent.CompletionException
            || c instanceof java.util.concurrent.ExecutionException
            || c instanceof RaftRetryFailureException)
        && c.getCause() != null) {
      c = c.getCause();
    }
    return c;
  }

  private static void failAll(List<Pending> batch, ErrorCode code, String message, String hint) {
    for (Pending p : batch) {
      if (code == ErrorCode.NOT_LEADER) {
        p.owner().failNotLeader(p.index(), message, hint);
      } else {
        p.owner().fail(p.index(), code, message);
      }
    }
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
    entries.failWaiting(new IOException("node is shutting down"));
    packer.shutdown();
    try {
      thread.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    List<Pending> left = new ArrayList<>();
    queue.drainTo(left);
    failAll(left, ErrorCode.UNAVAILABLE, "node is shutting down", "");
  }
}
