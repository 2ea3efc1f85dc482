package io.eventstreamcore.node.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.eventstreamcore.node.storage.EventStore;
import io.eventstreamcore.node.storage.StoreConfig;
import java.io.File;
import java.io.IOException;
import java.net.BindException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletionException;
import org.apache.ratis.io.CorruptedFileException;
import org.apache.ratis.protocol.exceptions.ChecksumException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UnreadableStorageTest {
  @TempDir Path dir;

  @Test
  void findsACorruptionHowEverDeepRatisWrappedIt() {
    ChecksumException corrupt = new ChecksumException("Log entry corrupted", 300);
    Throwable failure =
        new CompletionException(new IllegalStateException("Failed to initRaftLog", corrupt));
    assertThat(UnreadableStorage.cause(failure)).containsSame(corrupt);
    assertThat(
            UnreadableStorage.cause(
                new CorruptedFileException(new File("snapshot.1_2"), "MD5 mismatch")))
        .isPresent();
  }

  @Test
  void aLogSegmentRatisCannotParseIsUnreadableStorage() {
    IOException garbage =
        new IOException(
            "Read extra bytes after the terminator at position 300 in log_inprogress_7");
    Throwable failure =
        new CompletionException(
            new IllegalStateException("n1@group-1: Failed to initRaftLog.", garbage));
    assertThat(UnreadableStorage.cause(failure)).containsSame(garbage);
  }

  @Test
  void aStoreWithLessThanItsSnapshotOrAnEmptyLogOfAMemberIsUnreadableStorage() throws Exception {
    Path storeDir = Files.createDirectories(dir.resolve("store"));
    try (EventStore store = EventStore.open(storeDir, new StoreConfig(1 << 20, 4096, -1, -1))) {
      Throwable lost = catchThrowable(() -> store.truncateTo(Map.of("orders", 10L)));
      assertThat(UnreadableStorage.cause(new IllegalStateException("start failed", lost)))
          .containsSame((IOException) lost);
    }
    LostLogException empty = new LostLogException("no Raft storage");
    assertThat(UnreadableStorage.cause(new IOException(empty))).containsSame(empty);
  }

  @Test
  void otherStartFailuresAreNotDataLoss() {
    assertThat(UnreadableStorage.cause(new IllegalStateException(new BindException("in use"))))
        .isEmpty();
    assertThat(
            UnreadableStorage.cause(
                new IllegalStateException(
                    "n1@group-1: Failed to initRaftLog.",
                    new AccessDeniedException("/data/raft/current/log_0-9"))))
        .as("a volume we may not read is not cured by a fresh one")
        .isEmpty();
  }

  @Test
  void writesTheTerminationMessageOnlyWhereTheKubeletProvidesTheFile() throws Exception {
    Path log = Files.createFile(dir.resolve("termination-log"));
    UnreadableStorage.report(log, new ChecksumException("Log entry corrupted", 300));
    assertThat(Files.readString(log))
        .isEqualTo(UnreadableStorage.MESSAGE_PREFIX + "Log entry corrupted");

    Path absent = dir.resolve("no-such-file");
    UnreadableStorage.report(absent, new ChecksumException("Log entry corrupted", 300));
    assertThat(absent).doesNotExist();
  }
}
