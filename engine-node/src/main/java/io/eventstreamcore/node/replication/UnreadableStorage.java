package io.eventstreamcore.node.replication;

import io.eventstreamcore.node.storage.StoreDataLostException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.apache.ratis.io.CorruptedFileException;
import org.apache.ratis.protocol.exceptions.ChecksumException;
import org.jboss.logging.Logger;

/**
 * A node whose Raft storage fails its checksums cannot serve as a member again: the log it would
 * replay is not the one it acknowledged. It says so where an orchestrator reads a dead container's
 * last words, the Kubernetes termination message, so that the operator can give it a fresh volume
 * and let it rejoin. Other start failures (a port in use, a bad setting) are not reported this way:
 * they must never cost a volume.
 */
public final class UnreadableStorage {
  /** How every such termination message starts; the operator matches on it. */
  public static final String MESSAGE_PREFIX = "esc: storage unreadable: ";

  private static final Logger LOG = Logger.getLogger(UnreadableStorage.class);

  /** Ratis 3.3's message when reading its log at start fails; see {@link #cause}. */
  private static final String RATIS_LOG_INIT_FAILED = "Failed to initRaftLog";

  private UnreadableStorage() {}

  /**
   * The corruption behind {@code failure}, if that is what it was: a checksum or MD5 mismatch, a
   * log segment Ratis could not parse while opening the log, a log lost altogether ({@link
   * LostLogException}), or a store that holds less than its snapshot ({@link
   * StoreDataLostException}). A file it could not open at all (permissions, a missing mount) is a
   * {@link FileSystemException} and not counted: a fresh volume is not the cure for that.
   */
  public static Optional<IOException> cause(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof ChecksumException
          || t instanceof CorruptedFileException
          || t instanceof LostLogException
          || t instanceof StoreDataLostException) {
        return Optional.of((IOException) t);
      }
      boolean logUnparsable =
          String.valueOf(t.getMessage()).contains(RATIS_LOG_INIT_FAILED)
              && t.getCause() instanceof IOException io
              && !(io instanceof FileSystemException);
      if (logUnparsable) {
        return Optional.of((IOException) t.getCause());
      }
    }
    return Optional.empty();
  }

  /**
   * Writes the termination message, if {@code terminationLog} exists (the kubelet creates it in
   * every container; elsewhere there is no one to tell but the log).
   */
  public static void report(Path terminationLog, IOException corruption) {
    String message = MESSAGE_PREFIX + corruption.getMessage();
    LOG.error(message);
    if (!Files.exists(terminationLog)) {
      return;
    }
    try {
      Files.writeString(terminationLog, message, StandardCharsets.UTF_8);
    } catch (IOException e) {
      LOG.warnf("could not write the termination message to %s: %s", terminationLog, e);
    }
  }
}
