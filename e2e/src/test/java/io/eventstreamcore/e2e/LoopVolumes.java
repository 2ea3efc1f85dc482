package io.eventstreamcore.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * ext4 file systems on loop devices, one per node, whose image files can be copied as they stand:
 * the copy holds what the file system wrote to its device (fsynced data, and whatever the kernel
 * happened to write back), not what still sits dirty in its page cache. Mounting the copies in
 * place of the originals is a power cut. A process killed with -9 loses nothing of the page cache,
 * so it says nothing about fsync; this does. Needs root, {@code losetup} and {@code mkfs.ext4}.
 */
final class LoopVolumes implements AutoCloseable {
  /**
   * Journal commits this far apart, so that only an fsync makes anything durable meanwhile; and
   * data not ordered before metadata, so a file may come back longer than what was written to it,
   * the harshest crash ext4 allows.
   */
  private static final String MOUNT_OPTIONS = "commit=600,data=writeback";

  private final Path images;
  private final List<Path> mountPoints = new ArrayList<>();
  private final List<String> devices = new ArrayList<>();

  LoopVolumes(Path images) {
    this.images = images;
  }

  /** True if this machine can make and mount a loop volume: tried once. */
  static boolean supported(Path scratch) {
    try (LoopVolumes probe = new LoopVolumes(scratch.resolve("images"))) {
      probe.create(scratch.resolve("mnt"), 16);
      return true;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /** Makes an ext4 image of {@code mebibytes} (sparse) and mounts it at {@code dir}. */
  void create(Path dir, int mebibytes) throws IOException {
    Files.createDirectories(images);
    Path image = imageOf(dir);
    Commands.run("truncate", "-s", mebibytes + "M", image.toString());
    Commands.run("mkfs.ext4", "-q", "-F", image.toString());
    attach(image, dir);
  }

  /**
   * Cuts the power: copies every image as its device holds it, unmounts the originals and mounts
   * the copies at the same places. Call it once the processes using the volumes are dead.
   */
  void powerCut() throws IOException {
    List<Path> dirs = List.copyOf(mountPoints);
    List<Path> copies = new ArrayList<>();
    for (Path dir : dirs) {
      Path copy = images.resolve(dir.getFileName() + "-after-power-cut.img");
      Commands.run("cp", "--sparse=always", imageOf(dir).toString(), copy.toString());
      copies.add(copy);
    }
    close();
    for (int i = 0; i < dirs.size(); i++) {
      attach(copies.get(i), dirs.get(i));
    }
  }

  private Path imageOf(Path dir) {
    return images.resolve(dir.getFileName() + ".img");
  }

  private void attach(Path image, Path dir) throws IOException {
    Files.createDirectories(dir);
    String device = Commands.run("losetup", "-f", "--show", image.toString()).trim();
    devices.add(device);
    Commands.run("mount", "-o", MOUNT_OPTIONS, device, dir.toString());
    mountPoints.add(dir);
  }

  /** Unmounts and detaches everything, newest first. */
  @Override
  public void close() throws IOException {
    IOException first = null;
    for (int i = mountPoints.size() - 1; i >= 0; i--) {
      try {
        Commands.run("umount", mountPoints.get(i).toString());
      } catch (IOException e) {
        first = first == null ? e : first;
      }
    }
    for (int i = devices.size() - 1; i >= 0; i--) {
      try {
        Commands.run("losetup", "-d", devices.get(i));
      } catch (IOException e) {
        first = first == null ? e : first;
      }
    }
    mountPoints.clear();
    devices.clear();
    if (first != null) {
      throw first;
    }
  }
}
