package io.eventstreamcore.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eventstreamcore.client.ClientSecurity;
import io.eventstreamcore.client.Connection;
import io.eventstreamcore.client.EscException;
import io.eventstreamcore.client.Producer;
import io.eventstreamcore.protocol.ErrorCode;
import io.eventstreamcore.protocol.Event;
import io.eventstreamcore.protocol.MetadataResult;
import io.eventstreamcore.protocol.Priority;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Recorder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * CRITICAL latency with and without overload. First a paced CRITICAL stream alone; then the same
 * stream while one producer per other class sends as fast as its window allows, without retries, so
 * every shed event is counted. CRITICAL latency is measured from each send's intended time (no
 * coordinated omission). The loading producers run in a JVM of their own, as they would in real
 * life: in this one their garbage collections and threads would delay the CRITICAL producer's
 * answers and count as the engine's latency.
 */
@Command(
    mixinStandardHelpOptions = true,
    name = "priority-bench",
    description = "Per-priority throughput and latency under overload, against unloaded CRITICAL.")
final class PriorityBenchCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Mixin Bootstrap bootstrap;
  @Mixin SecurityOptions access;
  private HttpGet nodeApi;

  @Option(
      names = "--critical-rate",
      defaultValue = "500",
      description = "CRITICAL events/s, paced (default: ${DEFAULT-VALUE})")
  int criticalRate;

  @Option(
      names = "--seconds",
      defaultValue = "20",
      description = "Length of each phase (default: ${DEFAULT-VALUE})")
  int seconds;

  @Option(
      names = "--in-flight",
      defaultValue = "16",
      description = "Requests in flight per loading producer (default: ${DEFAULT-VALUE})")
  int inFlight;

  @Option(
      names = "--load-rate",
      defaultValue = "0",
      description =
          "Events/s the four loading producers offer together, paced (e.g. twice what the cluster"
              + " commits, for a 2x overload); 0: as fast as --in-flight allows (default)")
  int loadRate;

  @Option(names = "--size", defaultValue = "100", description = "Payload bytes")
  int size;

  @Option(
      names = "--warmup-seconds",
      defaultValue = "20",
      description =
          "An overload phase first, not reported, so that what shedding runs is compiled before"
              + " anything is measured; 0: none (default: ${DEFAULT-VALUE})")
  int warmupSeconds;

  @Option(
      names = "--load-only",
      hidden = true,
      description = "Run only the loading producers for one phase and print their tallies")
  boolean loadOnly;

  @Override
  public Integer call() throws Exception {
    Duration phase = Duration.ofSeconds(seconds);
    if (loadOnly) {
      for (Tally t : load(phase)) {
        System.out.println(t.encode());
      }
      return 0;
    }
    if (warmupSeconds > 0) {
      overload(Duration.ofSeconds(warmupSeconds));
    }
    untilSettled();
    List<Tally> unloaded = List.of(critical(phase));
    List<Tally> loaded = overload(phase);

    System.out.printf(
        "%-9s %-9s %-10s %-10s %-11s %-8s %-9s %-9s%n",
        "phase", "priority", "sent/s", "acked/s", "overloaded", "failed", "p50 ms", "p99 ms");
    print("unloaded", unloaded);
    print("overload", loaded);
    double before = unloaded.get(0).latency().getValueAtPercentile(99) / 1000.0;
    double after = loaded.get(0).latency().getValueAtPercentile(99) / 1000.0;
    System.out.printf(
        "CRITICAL p99: %.2f ms unloaded, %.2f ms under overload (%.1fx; goal: at most 2x)%n",
        before, after, after / before);
    return 0;
  }

  /** CRITICAL's tally first, then each loading class's, from one phase under load. */
  private List<Tally> overload(Duration phase) throws Exception {
    try (LoadProcess load = LoadProcess.start(loadArguments(phase))) {
      List<Tally> tallies = new ArrayList<>();
      tallies.add(critical(phase));
      tallies.addAll(load.tallies());
      return tallies;
    }
  }

  /**
   * Waits until no node sheds and none has events queued, so that neither the warm-up nor a
   * previous run's backlog counts as unloaded. ELEVATED is settled enough: it sheds nothing, and a
   * node whose dedup table fills much of its heap stays there for a whole dedup window.
   */
  private void untilSettled() throws Exception {
    List<String> nodes;
    try (Connection c = Connection.open(bootstrap.endpoints().get(0), access.security())) {
      nodes = c.metadata().members().stream().map(MetadataResult.Member::httpEndpoint).toList();
    }
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    while (!nodes.stream().allMatch(this::settled)) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(nodes + " still shed or queue events after 2 min");
      }
      Thread.sleep(500);
    }
  }

  /** One HTTP client for every look at the nodes, not one per look. */
  private synchronized HttpGet nodeApi() {
    if (nodeApi == null) {
      nodeApi = HttpGet.using(access);
    }
    return nodeApi;
  }

  private boolean settled(String httpEndpoint) {
    JsonNode node;
    try {
      node = JSON.readTree(nodeApi().get(httpEndpoint + "/api/v1/node").body());
    } catch (Exception e) {
      return false;
    }
    String state = node.path("pipeline").asText();
    boolean queued = node.path("queueDepths").valueStream().anyMatch(d -> d.asInt() > 0);
    return (state.equals("HEALTHY") || state.equals("ELEVATED")) && !queued;
  }

  private List<String> loadArguments(Duration phase) {
    return List.of(
        "priority-bench",
        "--load-only",
        "--bootstrap=" + bootstrap.bootstrap,
        "--seconds=" + phase.toSeconds(),
        "--in-flight=" + inFlight,
        "--load-rate=" + loadRate,
        "--size=" + size);
  }

  /** One producer per class below CRITICAL, all at once; their tallies once the phase is over. */
  private List<Tally> load(Duration phase) throws InterruptedException {
    List<Thread> loaders = new ArrayList<>();
    List<Tally[]> tallies = new ArrayList<>();
    System.out.println(LoadProcess.STARTED);
    for (Priority p : List.of(Priority.HIGH, Priority.MEDIUM, Priority.LOW, Priority.BATCH)) {
      Tally[] slot = new Tally[1];
      tallies.add(slot);
      Thread t = new Thread(() -> slot[0] = flood(p, phase), "load-" + p);
      t.start();
      loaders.add(t);
    }
    for (Thread t : loaders) {
      t.join();
    }
    return tallies.stream().map(s -> s[0]).toList();
  }

  private void print(String phase, List<Tally> tallies) {
    for (Tally t : tallies) {
      System.out.printf(
          "%-9s %-9s %-10.0f %-10.0f %-11d %-8d %-9.2f %-9.2f%n",
          phase,
          t.priority(),
          t.sent() / (double) seconds,
          t.acked() / (double) seconds,
          t.overloaded(),
          t.failed(),
          t.latency().getValueAtPercentile(50) / 1000.0,
          t.latency().getValueAtPercentile(99) / 1000.0);
    }
  }

  private ClientSecurity security() {
    try {
      return access.security();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Tally critical(Duration phase) throws InterruptedException, IOException {
    Producer.Settings settings =
        Producer.Settings.defaults(bootstrap.endpoints())
            .withSecurity(access.security())
            .withMaxInFlight(4);
    long interval = 1_000_000_000L / criticalRate;
    long n = (long) criticalRate * phase.toSeconds();
    try (Producer p = new Producer(settings)) {
      return send(p, Priority.CRITICAL, n, interval, phase);
    }
  }

  private Tally flood(Priority priority, Duration phase) {
    Producer.Settings settings =
        Producer.Settings.defaults(bootstrap.endpoints())
            .withSecurity(security())
            .withMaxInFlight(inFlight)
            .withoutRetries();
    long interval = loadRate > 0 ? 4_000_000_000L / loadRate : 0;
    try (Producer p = new Producer(settings)) {
      return send(p, priority, Long.MAX_VALUE, interval, phase);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Sends until {@code max} events or the phase is over; paced when {@code intervalNanos} > 0. */
  private Tally send(Producer p, Priority priority, long max, long intervalNanos, Duration phase)
      throws InterruptedException {
    Recorder latency = new Recorder(3);
    AtomicLong acked = new AtomicLong();
    AtomicLong overloaded = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    byte[] payload = new byte[size];
    String run = priority.name().toLowerCase() + "-" + Long.toHexString(System.nanoTime()) + "-";
    long start = System.nanoTime();
    long end = start + phase.toNanos();
    long sent = 0;
    List<CompletableFuture<Long>> open = new ArrayList<>();
    while (sent < max && System.nanoTime() < end) {
      long intended = start + sent * intervalNanos;
      if (intervalNanos > 0) {
        Pacing.until(intended);
      }
      long from = intervalNanos > 0 ? intended : System.nanoTime();
      open.add(
          p.send(Event.of(run + sent, "bench-" + priority.name().toLowerCase(), priority, payload))
              .whenComplete(
                  (offset, error) -> {
                    if (error == null) {
                      acked.incrementAndGet();
                      latency.recordValue(Math.max(1, (System.nanoTime() - from) / 1000));
                    } else if (EscException.of(error).code() == ErrorCode.OVERLOADED) {
                      overloaded.incrementAndGet();
                    } else {
                      failed.incrementAndGet();
                    }
                  }));
      sent++;
      if (open.size() >= 10_000) {
        open.removeIf(CompletableFuture::isDone);
      }
    }
    p.flush();
    CountDownLatch done = new CountDownLatch(1);
    CompletableFuture.allOf(open.toArray(CompletableFuture[]::new))
        .whenComplete((v, e) -> done.countDown());
    done.await(2, TimeUnit.MINUTES);
    return new Tally(
        priority,
        latency.getIntervalHistogram(),
        sent,
        acked.get(),
        overloaded.get(),
        failed.get());
  }
}
