package io.eventstreamcore.cli;

import io.eventstreamcore.client.Producer;
import io.eventstreamcore.protocol.Event;
import io.eventstreamcore.protocol.Priority;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Load generator. Max-throughput mode sends as fast as the producer's in-flight window allows.
 * Fixed-rate mode schedules each send at its intended time and measures latency from that time, so
 * a stalled node shows up in the percentiles instead of quietly slowing the load (coordinated
 * omission).
 */
@Command(
    mixinStandardHelpOptions = true,
    name = "bench",
    description = "Measure produce throughput and produce-to-ack latency.")
final class BenchCommand implements Callable<Integer> {
  @Mixin Bootstrap bootstrap;
  @Mixin SecurityOptions access;

  @Option(
      names = "--events",
      defaultValue = "500000",
      description = "Events to send (default: ${DEFAULT-VALUE})")
  long events;

  @Option(
      names = "--size",
      defaultValue = "100",
      description = "Payload bytes (default: ${DEFAULT-VALUE})")
  int size;

  @Option(names = "--rate", defaultValue = "0", description = "Events/s; 0 = as fast as possible")
  long rate;

  @Option(names = "--topic", defaultValue = "bench")
  String topic;

  @Option(
      names = "--batch-size",
      defaultValue = "256",
      description = "Producer batch (default: ${DEFAULT-VALUE})")
  int batchSize;

  @Option(
      names = "--in-flight",
      defaultValue = "8",
      description = "Producer requests in flight (default: ${DEFAULT-VALUE})")
  int inFlight;

  @Option(
      names = "--warmup",
      defaultValue = "50000",
      description = "Events sent first and not measured")
  long warmup;

  @Option(
      names = "--runs",
      defaultValue = "1",
      description = "Measured runs in this JVM, a row each (the first rows show warm-up)")
  int runs;

  @Override
  public Integer call() throws Exception {
    Producer.Settings settings =
        Producer.Settings.defaults(bootstrap.endpoints())
            .withSecurity(access.security())
            .withBatchSize(batchSize)
            .withMaxInFlight(inFlight);
    byte[] payload = new byte[size];
    try (Producer producer = new Producer(settings)) {
      if (warmup > 0) {
        run(producer, warmup, payload, new Recorder(3), new AtomicLong(), 0);
      }
      System.out.printf(
          "%-5s %-10s %-8s %-12s %-9s %-9s %-9s %-9s %-9s %-9s%n",
          "run",
          "events",
          "size",
          "events/s",
          "MB/s",
          "p50 ms",
          "p99 ms",
          "p99.9 ms",
          "max ms",
          "failed");
      long failed = 0;
      for (int r = 1; r <= runs; r++) {
        Recorder recorder = new Recorder(3);
        AtomicLong failures = new AtomicLong();
        long start = System.nanoTime();
        run(producer, events, payload, recorder, failures, rate);
        double seconds = (System.nanoTime() - start) / 1e9;
        printRow(r, recorder.getIntervalHistogram(), seconds, failures.get());
        failed += failures.get();
      }
      System.out.printf(
          "mode: %s%n", rate > 0 ? "fixed rate " + rate + " events/s" : "max throughput");
      return failed == 0 ? 0 : 1;
    }
  }

  private void run(
      Producer producer, long n, byte[] payload, Recorder latency, AtomicLong failures, long rate)
      throws InterruptedException {
    CountDownLatch acked = new CountDownLatch((int) Math.min(n, Integer.MAX_VALUE));
    long intervalNanos = rate > 0 ? 1_000_000_000L / rate : 0;
    long start = System.nanoTime();
    String runId = Long.toHexString(System.nanoTime());
    for (long i = 0; i < n; i++) {
      long intended = start + i * intervalNanos;
      if (rate > 0) {
        Pacing.until(intended);
      }
      long sendTime = rate > 0 ? intended : System.nanoTime();
      producer
          .send(
              new Event(
                  ("b-" + runId + "-" + i).getBytes(),
                  topic,
                  Priority.MEDIUM,
                  System.currentTimeMillis(),
                  List.of(),
                  payload))
          .whenComplete(
              (offset, error) -> {
                if (error != null) {
                  failures.incrementAndGet();
                } else {
                  latency.recordValue(Math.max(1, (System.nanoTime() - sendTime) / 1000));
                }
                acked.countDown();
              });
    }
    producer.flush();
    acked.await(5, TimeUnit.MINUTES);
  }

  private void printRow(int run, Histogram h, double seconds, long failures) {
    double eventsPerSec = events / seconds;
    System.out.printf(
        "%-5d %-10d %-8d %-12.0f %-9.1f %-9.2f %-9.2f %-9.2f %-9.2f %-9d%n",
        run,
        events,
        size,
        eventsPerSec,
        eventsPerSec * size / (1024.0 * 1024.0),
        h.getValueAtPercentile(50) / 1000.0,
        h.getValueAtPercentile(99) / 1000.0,
        h.getValueAtPercentile(99.9) / 1000.0,
        h.getMaxValue() / 1000.0,
        failures);
  }
}
