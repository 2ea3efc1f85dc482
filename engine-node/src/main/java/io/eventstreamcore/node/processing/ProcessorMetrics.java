package io.eventstreamcore.node.processing;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.ToDoubleFunction;

/** One processor's meters, tagged with its name. */
public final class ProcessorMetrics {
  private final Counter processed;
  private final Counter failed;
  private final Counter deadLettered;
  private final Counter checkpointed;

  public ProcessorMetrics(MeterRegistry meters, String processor) {
    processed = counter(meters, processor, "esc.processor.events", "Events a processor handled");
    failed = counter(meters, processor, "esc.processor.failures", "Processor calls that threw");
    deadLettered =
        counter(
            meters,
            processor,
            "esc.processor.dead.lettered",
            "Events dead-lettered after the processor's last attempt");
    checkpointed = counter(meters, processor, "esc.processor.checkpoints", "Checkpoints committed");
  }

  /** The lag gauge reads the host, which exists only after these meters. */
  public static <T> void registerLag(
      MeterRegistry meters, String processor, T host, ToDoubleFunction<T> lag) {
    Gauge.builder("esc.processor.lag", host, lag)
        .tag("processor", processor)
        .description("Committed events of subscribed topics not processed yet (on the leader)")
        .register(meters);
  }

  private static Counter counter(
      MeterRegistry meters, String processor, String name, String description) {
    return Counter.builder(name)
        .tag("processor", processor)
        .description(description)
        .register(meters);
  }

  void processed() {
    processed.increment();
  }

  void failed() {
    failed.increment();
  }

  void deadLettered() {
    deadLettered.increment();
  }

  void checkpointed() {
    checkpointed.increment();
  }
}
