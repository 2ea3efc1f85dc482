package io.eventstreamcore.node.ingest;

import io.eventstreamcore.node.batching.Batcher;
import io.eventstreamcore.node.batching.PendingProduce;
import io.eventstreamcore.node.pipeline.PipelineState;
import io.eventstreamcore.node.pipeline.PriorityQueues;
import io.eventstreamcore.node.pipeline.QueuedShedding;
import io.eventstreamcore.node.pipeline.TopicPolicies;
import io.eventstreamcore.protocol.ErrorCode;
import io.eventstreamcore.protocol.Event;
import io.eventstreamcore.protocol.EventCodec;
import io.eventstreamcore.protocol.Priority;
import io.eventstreamcore.protocol.ProduceAck;
import io.eventstreamcore.protocol.ProduceRequest;
import io.eventstreamcore.protocol.ProtocolException;
import io.eventstreamcore.protocol.Topics;
import io.eventstreamcore.protocol.WireReader;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The one way into the log, for TCP and HTTP alike. On the leader: validate each event, admit it by
 * its priority and the node's load (or dead-letter it, per its topic's policy), hand it to the
 * batcher, answer every event (stored, dead-lettered, or why not). On any other node: forward the
 * request to the leader, which does all of that, and relay its answers.
 */
public final class IngestService {
  private final Batcher batcher;
  private final BooleanSupplier leads;
  private final BooleanSupplier knowsLeader;
  private final LeaderForward forward;
  private final int maxPayloadBytes;
  private final ProduceMetrics metrics;
  private final Supplier<PipelineState> pipeline;
  private final Supplier<TopicPolicies> policies;
  private final long retryAfterMillis;
  private final Supplier<Optional<String>> storageRefusal;

  /**
   * @param leads whether this node leads and is ready to admit events itself
   * @param knowsLeader whether this node knows a leader now, to forward to
   * @param toLeader sends a PRODUCE body to the leader ({@link #serveForwarded}) and completes with
   *     its PRODUCE_ACK body
   * @param pipeline the node's current load state, which decides which classes are admitted
   * @param policies the topic → priority table as it stands
   * @param storageRefusal why this node's volume takes no more events now, if it does not
   */
  public IngestService(
      Batcher batcher,
      BooleanSupplier leads,
      BooleanSupplier knowsLeader,
      Function<byte[], CompletableFuture<ByteBuffer>> toLeader,
      long answerWithinMillis,
      int maxPayloadBytes,
      ProduceMetrics metrics,
      Supplier<PipelineState> pipeline,
      Supplier<TopicPolicies> policies,
      long retryAfterMillis,
      Supplier<Optional<String>> storageRefusal) {
    this.batcher = batcher;
    this.leads = leads;
    this.knowsLeader = knowsLeader;
    this.forward = new LeaderForward(toLeader, answerWithinMillis);
    this.maxPayloadBytes = maxPayloadBytes;
    this.metrics = metrics;
    this.pipeline = pipeline;
    this.policies = policies;
    this.retryAfterMillis = retryAfterMillis;
    this.storageRefusal = storageRefusal;
  }

  public int maxPayloadBytes() {
    return maxPayloadBytes;
  }

  /**
   * @param events encoded events as cut from a request; each is answered in the result
   */
  public PendingProduce produce(List<ByteBuffer> events) {
    if (!leads.getAsBoolean()) {
      return knowsLeader.getAsBoolean() ? forwardToLeader(events) : noLeader(events);
    }
    return produceHere(events);
  }

  private PendingProduce forwardToLeader(List<ByteBuffer> events) {
    metrics.forwarded(events.size());
    return forward.forward(events);
  }

  /**
   * A node that knows no leader is in an election or cut off from the others. Forwarding would wait
   * out the produce timeout on a cut-off node (FaultInjectionIT: writes stopped for as long as the
   * cut lasted, and longer); NOT_LEADER without a hint sends the client to another node.
   */
  private PendingProduce noLeader(List<ByteBuffer> events) {
    PendingProduce pending = new PendingProduce(events.size());
    for (int i = 0; i < events.size(); i++) {
      pending.failNotLeader(i, "this node knows no leader now; try another node", "");
      metrics.failed(ErrorCode.NOT_LEADER);
    }
    return pending;
  }

  /** The leader's side of {@link LeaderForward}: a follower's PRODUCE body, answered here. */
  public CompletableFuture<byte[]> serveForwarded(ByteBuffer request) {
    List<ByteBuffer> events;
    try {
      events = ProduceRequest.read(new WireReader(request)).events();
    } catch (ProtocolException e) {
      return CompletableFuture.failedFuture(e);
    }
    return produceHere(events)
        .done()
        .thenApply(p -> new ProduceAck(p.codes(), p.offsets()).encode());
  }

  private PendingProduce produceHere(List<ByteBuffer> events) {
    PendingProduce pending = new PendingProduce(events.size());
    Optional<String> full = storageRefusal.get();
    if (full.isPresent()) {
      for (int i = 0; i < events.size(); i++) {
        pending.fail(i, ErrorCode.STORAGE_FULL, full.get());
        metrics.failed(ErrorCode.STORAGE_FULL);
      }
      return pending;
    }
    long arrived = System.nanoTime();
    String[] topics = new String[events.size()];
    Priority[] classes = new Priority[events.size()];
    TopicPolicies table = policies.get();
    for (int i = 0; i < events.size(); i++) {
      ByteBuffer event = events.get(i);
      try {
        topics[i] = EventCodec.validate(event, maxPayloadBytes);
      } catch (ProtocolException e) {
        pending.fail(i, e.code(), e.getMessage());
        continue;
      }
      if (Topics.isInternal(topics[i])) {
        pending.fail(
            i,
            ErrorCode.INVALID_TOPIC,
            "topics starting with '" + Topics.INTERNAL_PREFIX + "' are written by the engine only");
        continue;
      }
      Priority priority = table.priorityOf(topics[i], EventCodec.priorityOf(event));
      classes[i] = priority;
      PipelineState state = pipeline.get();
      if (state.admits(priority)) {
        enqueue(priority, event, pending, i, arrived, true);
      } else if (table.onOverload(topics[i]) == TopicPolicies.OnOverload.DEAD_LETTER) {
        metrics.deadLettered(priority);
        pending.deadLetter(i);
        String reason = "node was " + state + ", which refuses " + priority + " events";
        Event dead =
            new DeadLetter(EventCodec.decode(event), reason, System.currentTimeMillis()).toEvent();
        enqueue(priority, ByteBuffer.wrap(EventCodec.encode(dead)), pending, i, arrived, false);
      } else {
        metrics.shed(priority);
        pending.overloaded(i, retryAfterMillis, refusedWhile(state, priority));
      }
    }
    pending
        .done()
        .thenAccept(
            p -> {
              metrics.acknowledged(p.startNanos());
              for (int i = 0; i < p.size(); i++) {
                if (p.code(i) == ErrorCode.OK) {
                  metrics.stored(topics[i], classes[i], events.get(i).remaining());
                } else if (p.code(i) != ErrorCode.DUPLICATE
                    && p.code(i) != ErrorCode.DEAD_LETTERED) {
                  metrics.failed(p.code(i));
                }
              }
            });
    return pending;
  }

  /**
   * Writes the engine's own events (dead letters, checkpoints, alerts) at their priority whatever
   * the node's load: they are few, and refusing them would lose what they record.
   */
  public PendingProduce produceInternal(List<Event> events) {
    PendingProduce pending = new PendingProduce(events.size());
    long arrived = System.nanoTime();
    for (int i = 0; i < events.size(); i++) {
      Event e = events.get(i);
      enqueue(e.priority(), ByteBuffer.wrap(EventCodec.encode(e)), pending, i, arrived, false);
    }
    return pending;
  }

  /**
   * Refuses, as if it had just arrived, each queued producer's event of a class the node stops
   * admitting, unless its topic's policy dead-letters shed events: those were admitted, and are
   * stored in their topic as promised.
   */
  public QueuedShedding<Batcher.Pending> queuedShedding(PriorityQueues<Batcher.Pending> queues) {
    return new QueuedShedding<>(
        queues,
        pipeline,
        p ->
            p.sheddable()
                && policies.get().onOverload(EventCodec.topicOf(p.event()))
                    == TopicPolicies.OnOverload.REFUSE,
        (priority, p) -> {
          metrics.shed(priority);
          p.owner().overloaded(p.index(), retryAfterMillis, refusedWhile(pipeline.get(), priority));
        });
  }

  private String refusedWhile(PipelineState state, Priority priority) {
    return "node is "
        + state
        + ": "
        + priority
        + " events are refused; retry in "
        + retryAfterMillis
        + " ms";
  }

  private void enqueue(
      Priority priority,
      ByteBuffer event,
      PendingProduce pending,
      int index,
      long arrived,
      boolean sheddable) {
    if (!batcher.offer(priority, new Batcher.Pending(event, pending, index, arrived, sheddable))) {
      metrics.shed(priority);
      pending.overloaded(
          index,
          retryAfterMillis,
          "the " + priority + " queue is full; retry in " + retryAfterMillis + " ms");
    }
  }
}
