package io.eventstreamcore.e2e;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/** Runs a system command (mount, losetup, …) that tests need as root, and fails with its output. */
final class Commands {
  private Commands() {}

  /** Runs {@code command} for up to a minute; returns its output, or throws with it on failure. */
  static String run(String... command) throws IOException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    try {
      String out = new String(p.getInputStream().readAllBytes());
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IOException(String.join(" ", command) + " failed: " + out);
      }
      return out;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted: " + String.join(" ", command), e);
    }
  }
}
