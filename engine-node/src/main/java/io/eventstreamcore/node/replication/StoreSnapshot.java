package io.eventstreamcore.node.replication;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.ratis.io.MD5Hash;
import org.apache.ratis.util.MD5FileUtil;

/**
 * What a snapshot records: the end offset of every topic once the log up to the snapshot index was
 * applied and the store fsynced. On restart the store is cut back to exactly this. Integrity is
 * checked by Ratis's MD5 file beside it.
 */
record StoreSnapshot(SortedMap<String, Long> endOffsets) {
  private static final int MAGIC = 0x45534353; // "ESCS"

  /**
   * Writes the snapshot and its digest ({@code file.md5}, as Ratis reads it) so that the snapshot
   * never exists under its name without its digest: the digest is saved before the finished file is
   * renamed into place. Written the other way round, a node killed between the two left a snapshot
   * without a digest, and every later start of that node failed on it.
   *
   * @return the digest
   */
  MD5Hash writeTo(Path file) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(tmp))) {
      out.writeInt(MAGIC);
      out.writeInt(endOffsets.size());
      for (Map.Entry<String, Long> e : endOffsets.entrySet()) {
        out.writeUTF(e.getKey());
        out.writeLong(e.getValue());
      }
    }
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
      ch.force(true);
    }
    MD5Hash digest = MD5FileUtil.computeMd5ForFile(tmp.toFile());
    MD5FileUtil.saveMD5File(file.toFile(), digest);
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    return digest;
  }

  static StoreSnapshot readFrom(Path file) throws IOException {
    try (DataInputStream in = new DataInputStream(Files.newInputStream(file))) {
      if (in.readInt() != MAGIC) {
        throw new IOException(file + " is not an EventStreamCore snapshot");
      }
      int n = in.readInt();
      SortedMap<String, Long> ends = new TreeMap<>();
      for (int i = 0; i < n; i++) {
        ends.put(in.readUTF(), in.readLong());
      }
      return new StoreSnapshot(ends);
    }
  }
}
