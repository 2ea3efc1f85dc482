package io.eventstreamcore.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Size-limited file systems (tmpfs mounts) standing in for small persistent volumes, so that a disk
 * really fills up under a node. Mounting needs root (CAP_SYS_ADMIN); {@link #supported} says
 * whether this machine allows it, and tests that need it are skipped, not passed, where it does
 * not.
 */
final class SmallVolumes implements AutoCloseable {
  private final List<Path> mounted = new ArrayList<>();

  /** True if a tmpfs can be mounted here: tried once on a scratch directory. */
  static boolean supported(Path scratch) {
    try (SmallVolumes probe = new SmallVolumes()) {
      probe.mount(scratch, 1);
      return true;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /** Mounts a tmpfs of {@code mebibytes} at {@code dir}, creating the directory. */
  void mount(Path dir, int mebibytes) throws IOException {
    Files.createDirectories(dir);
    Commands.run("mount", "-t", "tmpfs", "-o", "size=" + mebibytes + "m", "tmpfs", dir.toString());
    mounted.add(dir);
  }

  /** Fills {@code bytes} of the volume at {@code dir} with a file the test can delete later. */
  static Path ballast(Path dir, int bytes) throws IOException {
    Path file = dir.resolve("ballast");
    Files.write(file, new byte[bytes]);
    return file;
  }

  /**
   * Unmounts everything this mounted; lazily, so a process still holding a file cannot block it.
   */
  @Override
  public void close() throws IOException {
    IOException first = null;
    for (int i = mounted.size() - 1; i >= 0; i--) {
      try {
        Commands.run("umount", "-l", mounted.get(i).toString());
      } catch (IOException e) {
        first = first == null ? e : first;
      }
    }
    mounted.clear();
    if (first != null) {
      throw first;
    }
  }
}
