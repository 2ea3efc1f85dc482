package io.eventstreamcore.node.replication;

import io.eventstreamcore.node.storage.EventStore;
import io.eventstreamcore.node.storage.NoSpace;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.jboss.logging.Logger;

/**
 * Writes a committed batch to the store, waiting while the data volume is full. An apply that
 * throws makes Ratis close the server, which then stayed down until the process restarted; a
 * waiting apply keeps the node a member that goes on by itself once space returns. The store undoes
 * a batch it could not write whole, so writing it again stores each event once.
 */
final class FullDiskWait {
  private static final Logger LOG = Logger.getLogger(FullDiskWait.class);
  private static final long PAUSE_MILLIS = 250;

  private FullDiskWait() {}

  /**
   * @param stopped true once the state machine closes: the wait ends with the write's failure
   */
  static long[] append(
      EventStore store,
      List<ByteBuffer> events,
      List<String> topics,
      long logIndex,
      BooleanSupplier stopped) {
    for (int attempt = 0; ; attempt++) {
      try {
        long[] offsets = store.append(events, topics);
        if (attempt > 0) {
          LOG.infof("log entry %d is applied now that the data volume has room", logIndex);
        }
        return offsets;
      } catch (UncheckedIOException e) {
        if (!NoSpace.isCause(e) || stopped.getAsBoolean()) {
          throw e;
        }
        if (attempt == 0) {
          LOG.errorf(
              "the data volume is full: log entry %d waits to be applied until space returns (%s)",
              logIndex, e.getMessage());
        }
        pause(e);
      }
    }
  }

  private static void pause(UncheckedIOException failure) {
    try {
      Thread.sleep(PAUSE_MILLIS);
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      throw failure;
    }
  }
}
