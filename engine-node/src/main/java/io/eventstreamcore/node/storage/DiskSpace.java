package io.eventstreamcore.node.storage;

import java.io.File;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * The free space of the volume a node keeps its data on, and whether it is too low to take more
 * events. A node refuses new events while less than {@code minFreeBytes} is free, before a write
 * fails half-way: the Raft log and the store both need room for every batch already admitted. It
 * takes events again once a quarter more than that is free, so that it does not flap at the line.
 */
public final class DiskSpace {
  /** How stale a reading may be: one statvfs per batch at most, not one per event. */
  private static final long SAMPLE_EVERY_NANOS = 50_000_000L;

  private final LongSupplier usableBytes;
  private final LongSupplier nanoClock;
  private final long minFreeBytes;
  private final long resumeFreeBytes;
  private long sampledAtNanos = Long.MIN_VALUE;
  private volatile long usable = Long.MAX_VALUE;
  private volatile boolean full;

  DiskSpace(LongSupplier usableBytes, long minFreeBytes, LongSupplier nanoClock) {
    this.usableBytes = usableBytes;
    this.nanoClock = nanoClock;
    this.minFreeBytes = minFreeBytes;
    this.resumeFreeBytes = minFreeBytes + minFreeBytes / 4;
  }

  /**
   * The space left on the volume that holds {@code dataDir}. Asked of the directory itself
   * (statvfs), not through {@link java.nio.file.FileStore}, which looks the mount up in
   * /proc/mounts and fails where that does not list it (a chroot; found by ContainerImagesIT).
   */
  public static DiskSpace of(Path dataDir, long minFreeBytes) {
    File dir = dataDir.toFile();
    return new DiskSpace(
        () -> {
          long usable = dir.getUsableSpace();
          // 0 with no total either means the volume could not be asked; its writes will say more.
          return usable == 0 && dir.getTotalSpace() == 0 ? Long.MAX_VALUE : usable;
        },
        minFreeBytes,
        System::nanoTime);
  }

  /** Why the node takes no events now, if it is short of space. */
  public Optional<String> refusal() {
    sample();
    if (!full) {
      return Optional.empty();
    }
    return Optional.of(
        "storage full: "
            + mebibytes(usable)
            + " MiB free on the data volume, below the "
            + mebibytes(minFreeBytes)
            + " MiB this node keeps free; events are taken again above "
            + mebibytes(resumeFreeBytes)
            + " MiB");
  }

  public boolean full() {
    sample();
    return full;
  }

  public long usableBytes() {
    sample();
    return usable;
  }

  private synchronized void sample() {
    long now = nanoClock.getAsLong();
    if (sampledAtNanos != Long.MIN_VALUE && now - sampledAtNanos < SAMPLE_EVERY_NANOS) {
      return;
    }
    sampledAtNanos = now;
    long free = usableBytes.getAsLong();
    usable = free;
    if (free < minFreeBytes) {
      full = true;
    } else if (free >= resumeFreeBytes) {
      full = false;
    }
  }

  private static long mebibytes(long bytes) {
    return bytes >> 20;
  }
}
