package io.eventstreamcore.node.pipeline;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;

/**
 * The heap signal: old-generation use over the whole heap's maximum, counting what collections of
 * the old generation leave behind rather than what young collections have promoted since.
 *
 * <p>Why not the use now: between two collections of the old generation it also holds garbage that
 * young collections promoted. Under 1 KiB events at {@code -Xmx320m} that garbage filled it to
 * 0.95–0.97 of the heap before G1's mixed collections caught up, and read as pressure it put the
 * nodes in EMERGENCY. Why not the last collection's result alone: G1 reclaims the old generation
 * over a series of mixed collections, and the first of a series still leaves most of the garbage;
 * at {@code -Xmx256m} it read 0.8–0.9 while a class histogram found 40 % of the heap live
 * (docs/benchmarks.md, "Memory per node").
 *
 * <p>So the signal is the least that collections of the old generation left within the last {@code
 * window}: each is an upper bound of what was live then. It also never exceeds the use now (G1
 * frees empty regions outside those collections), and reads zero before the first such collection:
 * a heap that fills with live objects gets one, a full collection at worst, before it runs out. A
 * heap that really fills reaches the signal at most a window late.
 */
public final class SettledOldGen implements DoubleSupplier {
  private final LongSupplier usedAfterLastCollection;
  private final LongSupplier usedNow;
  private final long maxBytes;
  private final LongSupplier nanoClock;
  private final long windowNanos;

  /** (when seen, bytes) of each distinct result of a collection, oldest first. */
  private final Deque<long[]> results = new ArrayDeque<>();

  SettledOldGen(
      LongSupplier usedAfterLastCollection,
      LongSupplier usedNow,
      long maxBytes,
      LongSupplier nanoClock,
      long windowNanos) {
    this.usedAfterLastCollection = usedAfterLastCollection;
    this.usedNow = usedNow;
    this.maxBytes = maxBytes;
    this.nanoClock = nanoClock;
    this.windowNanos = windowNanos;
  }

  /**
   * This JVM's old generation over its maximum heap, or, for collectors without one, the whole
   * heap's use now.
   */
  public static DoubleSupplier ofThisJvm(long windowNanos) {
    Runtime r = Runtime.getRuntime();
    Optional<MemoryPoolMXBean> oldGen =
        ManagementFactory.getMemoryPoolMXBeans().stream()
            .filter(p -> p.getType() == MemoryType.HEAP)
            .filter(p -> p.getName().contains("Old") || p.getName().contains("Tenured"))
            .findFirst();
    if (oldGen.isEmpty()) {
      return () -> (double) (r.totalMemory() - r.freeMemory()) / r.maxMemory();
    }
    MemoryPoolMXBean pool = oldGen.get();
    return new SettledOldGen(
        () -> {
          MemoryUsage after = pool.getCollectionUsage();
          return after == null ? 0 : after.getUsed();
        },
        () -> pool.getUsage().getUsed(),
        r.maxMemory(),
        System::nanoTime,
        windowNanos);
  }

  @Override
  public synchronized double getAsDouble() {
    long now = nanoClock.getAsLong();
    long latest = usedAfterLastCollection.getAsLong();
    if (results.isEmpty() || results.peekLast()[1] != latest) {
      results.addLast(new long[] {now, latest});
    }
    // The latest result stays whatever its age: it is still the newest bound there is.
    while (results.size() > 1 && now - results.peekFirst()[0] > windowNanos) {
      results.removeFirst();
    }
    long least = usedNow.getAsLong();
    for (long[] r : results) {
      least = Math.min(least, r[1]);
    }
    return (double) least / maxBytes;
  }
}
