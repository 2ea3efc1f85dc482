package io.eventstreamcore.node.consume;

import io.eventstreamcore.node.metrics.TopicPriorityCounters;
import io.eventstreamcore.node.storage.ReadChunk;
import io.eventstreamcore.protocol.EventCodec;
import io.eventstreamcore.protocol.Priority;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.ByteBuffer;

/** Events and bytes sent to consumers, by topic and priority (fetches and pushes alike). */
public final class ConsumeMetrics {
  private static final int RECORD_HEADER = 8;

  private final TopicPriorityCounters events;
  private final TopicPriorityCounters bytes;

  public ConsumeMetrics(MeterRegistry meters) {
    this.events = new TopicPriorityCounters(meters, "esc.events.out");
    this.bytes = new TopicPriorityCounters(meters, "esc.bytes.out");
  }

  /** Counts the records of a chunk that is about to be sent. */
  public void sent(String topic, ReadChunk chunk) {
    ByteBuffer records = chunk.records();
    int pos = records.position();
    for (int i = 0; i < chunk.count(); i++) {
      ByteBuffer event = records.duplicate().position(pos + RECORD_HEADER);
      int size = 4 + event.getInt(event.position());
      Priority p = EventCodec.priorityOf(event);
      events.of(topic, p).increment();
      bytes.of(topic, p).increment(size);
      pos += RECORD_HEADER + size;
    }
  }
}
