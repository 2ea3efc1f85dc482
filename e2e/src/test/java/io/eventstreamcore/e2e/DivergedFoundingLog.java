package io.eventstreamcore.e2e;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.server.raftlog.LogProtoUtils;
import org.apache.ratis.server.raftlog.segmented.SegmentedRaftLogOutputStream;

/**
 * Leaves a stopped member's Raft storage as a cold start with a leader change, and then Ratis
 * 3.3.0, leave it: its whole log is one founding configuration entry at index 0, written in a term
 * of its own as a short-lived leader that never reached the others, and marked committed (as a
 * heartbeat without a previous entry makes it); its store is empty. The entry is the member's own
 * configuration in Ratis's own segment format, with only its term changed, and the commit is
 * Ratis's own metadata entry, so the state does not depend on how heartbeats and appends race.
 */
final class DivergedFoundingLog {
  private DivergedFoundingLog() {}

  static void write(Path dataDir, long term, String selfId) throws IOException {
    Path current;
    try (Stream<Path> groups = Files.list(dataDir.resolve("raft"))) {
      current = groups.findFirst().orElseThrow().resolve("current");
    }
    LogEntryProto conf =
        LogEntryProto.parseFrom(Files.readAllBytes(current.resolve("raft-meta.conf")));
    LogEntryProto founding = conf.toBuilder().setTerm(term).setIndex(0).build();
    deleteFiles(current, "log_");
    // A short-lived leader took no snapshot: its state machine directory is there, and empty.
    deleteFiles(current.resolveSibling("sm"), "");
    try (SegmentedRaftLogOutputStream out =
        new SegmentedRaftLogOutputStream(
            current.resolve("log_inprogress_0").toFile(),
            false,
            8L << 20,
            1L << 20,
            ByteBuffer.allocateDirect(64 << 10))) {
      out.write(founding);
      // What the leader's first heartbeat without a previous entry makes of it: committed.
      out.write(LogProtoUtils.toLogEntryProto(0, term, 1));
      out.flush();
    }
    Files.write(current.resolve("raft-meta.conf"), founding.toByteArray());
    Files.writeString(current.resolve("raft-meta"), "term=" + term + "\nvotedFor=" + selfId + "\n");
    Nodes.deleteTree(
        dataDir.resolve("raft").resolve(current.getParent().getFileName()).resolve("sm"));
    Nodes.deleteTree(dataDir.resolve("store"));
  }

  private static void deleteFiles(Path dir, String prefix) throws IOException {
    if (!Files.isDirectory(dir)) {
      return;
    }
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.filter(f -> f.getFileName().toString().startsWith(prefix)).toList()) {
        Files.delete(f);
      }
    }
  }
}
