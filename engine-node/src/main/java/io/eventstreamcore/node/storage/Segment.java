package io.eventstreamcore.node.storage;

import io.eventstreamcore.protocol.EventCodec;
import io.eventstreamcore.protocol.ProtocolException;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * One segment of a topic: a log file of records ({@code i64 offset} + event) and a sparse index
 * file of ({@code u32 relative offset}, {@code u32 position}) entries. Appends come from the single
 * apply thread; reads may come from any thread and see only what {@link #size()} publishes.
 */
final class Segment implements Closeable {
  static final int RECORD_OVERHEAD = 8 + 4;
  private static final int INDEX_ENTRY = 8;

  private final long baseOffset;
  private final Path logPath;
  private final Path indexPath;
  private final FileChannel log;
  private final FileChannel index;
  private final int indexIntervalBytes;

  private int[] indexOffsets = new int[64];
  private int[] indexPositions = new int[64];
  private volatile int indexCount;
  private volatile long size;
  private volatile long nextOffset;
  private long bytesSinceIndex;
  private volatile long lastAppendMillis;

  private Segment(Path dir, long baseOffset, int indexIntervalBytes) throws IOException {
    this.baseOffset = baseOffset;
    this.indexIntervalBytes = indexIntervalBytes;
    this.logPath = dir.resolve(fileName(baseOffset, ".log"));
    this.indexPath = dir.resolve(fileName(baseOffset, ".idx"));
    this.log =
        FileChannel.open(
            logPath, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    this.index =
        FileChannel.open(
            indexPath,
            StandardOpenOption.CREATE,
            StandardOpenOption.READ,
            StandardOpenOption.WRITE);
    this.nextOffset = baseOffset;
    this.lastAppendMillis = Files.getLastModifiedTime(logPath).toMillis();
  }

  static String fileName(long baseOffset, String suffix) {
    return String.format("%020d%s", baseOffset, suffix);
  }

  static Segment create(Path dir, long baseOffset, int indexIntervalBytes) throws IOException {
    return new Segment(dir, baseOffset, indexIntervalBytes);
  }

  /**
   * Opens a sealed segment (one that has a successor, so it was fsynced when it was rolled) from
   * its index file; falls back to a full scan when the index does not check out.
   */
  static Segment load(Path dir, long baseOffset, long nextOffset, int indexIntervalBytes)
      throws IOException {
    Segment s = new Segment(dir, baseOffset, indexIntervalBytes);
    long entries = s.index.size() / INDEX_ENTRY;
    ByteBuffer all = ByteBuffer.allocate((int) entries * INDEX_ENTRY);
    s.index.read(all, 0);
    all.flip();
    long logSize = s.log.size();
    int[] offsets = new int[(int) Math.max(1, entries)];
    int[] positions = new int[offsets.length];
    boolean consistent = entries > 0;
    for (int i = 0; i < entries && consistent; i++) {
      offsets[i] = all.getInt();
      positions[i] = all.getInt();
      consistent =
          positions[i] < logSize
              && offsets[i] < nextOffset - baseOffset
              && (i == 0
                  ? offsets[0] == 0 && positions[0] == 0
                  : offsets[i] > offsets[i - 1] && positions[i] > positions[i - 1]);
    }
    if (!consistent) {
      s.scanAndTruncateTail();
      return s;
    }
    s.indexOffsets = offsets;
    s.indexPositions = positions;
    s.indexCount = (int) entries;
    s.size = logSize;
    s.nextOffset = nextOffset;
    s.bytesSinceIndex = indexIntervalBytes;
    return s;
  }

  /**
   * Opens the newest segment of a topic and rebuilds its index by scanning, dropping a torn or
   * corrupt tail at the first record whose length, offset or CRC does not check out.
   */
  static Segment recover(Path dir, long baseOffset, int indexIntervalBytes) throws IOException {
    Segment s = new Segment(dir, baseOffset, indexIntervalBytes);
    s.scanAndTruncateTail();
    return s;
  }

  private void scanAndTruncateTail() throws IOException {
    long fileSize = log.size();
    long pos = 0;
    long offset = baseOffset;
    ByteBuffer header = ByteBuffer.allocate(RECORD_OVERHEAD);
    index.truncate(0);
    indexCount = 0;
    bytesSinceIndex = 0;
    while (pos + RECORD_OVERHEAD <= fileSize) {
      header.clear();
      readFully(header, pos);
      long recordOffset = header.getLong(0);
      long eventLength = header.getInt(8) & 0xFFFFFFFFL;
      long recordSize = RECORD_OVERHEAD + eventLength;
      if (recordOffset != offset
          || pos + recordSize > fileSize
          || eventLength > Integer.MAX_VALUE - 16) {
        break;
      }
      ByteBuffer event = ByteBuffer.allocate((int) eventLength + 4);
      readFully(event, pos + 8);
      event.flip();
      try {
        EventCodec.validate(event, Integer.MAX_VALUE);
      } catch (ProtocolException corrupt) {
        break;
      }
      maybeIndex(offset, pos, recordSize);
      pos += recordSize;
      offset++;
    }
    if (pos < fileSize) {
      log.truncate(pos);
    }
    size = pos;
    nextOffset = offset;
  }

  private void readFully(ByteBuffer dst, long position) throws IOException {
    long p = position;
    while (dst.hasRemaining()) {
      int n = log.read(dst, p);
      if (n < 0) {
        throw new IOException("unexpected end of " + logPath);
      }
      p += n;
    }
  }

  private void maybeIndex(long offset, long position, long recordSize) throws IOException {
    if (indexCount == 0 || bytesSinceIndex >= indexIntervalBytes) {
      int n = indexCount;
      if (n == indexOffsets.length) {
        indexOffsets = Arrays.copyOf(indexOffsets, n * 2);
        indexPositions = Arrays.copyOf(indexPositions, n * 2);
      }
      indexOffsets[n] = (int) (offset - baseOffset);
      indexPositions[n] = (int) position;
      ByteBuffer entry = ByteBuffer.allocate(INDEX_ENTRY);
      entry.putInt(indexOffsets[n]).putInt(indexPositions[n]).flip();
      index.write(entry, (long) n * INDEX_ENTRY);
      indexCount = n + 1;
      bytesSinceIndex = 0;
    }
    bytesSinceIndex += recordSize;
  }

  /**
   * Appends already-encoded records whose offsets start at {@link #nextOffset()}.
   *
   * @param records the records back to back; {@code recordSizes} their sizes in order
   */
  void append(ByteBuffer records, int[] recordSizes, int count) {
    try {
      long pos = size;
      long offset = nextOffset;
      for (int i = 0; i < count; i++) {
        maybeIndex(offset + i, pos, recordSizes[i]);
        pos += recordSizes[i];
      }
      long writeAt = size;
      while (records.hasRemaining()) {
        writeAt += log.write(records, writeAt);
      }
      nextOffset = offset + count;
      lastAppendMillis = System.currentTimeMillis();
      size = writeAt;
    } catch (IOException e) {
      throw new UncheckedIOException("append to " + logPath, e);
    }
  }

  /** Position of the record at {@code offset}, found via the index and a short scan. */
  private long positionOf(long offset) throws IOException {
    int n = indexCount;
    int rel = (int) (offset - baseOffset);
    int lo = 0;
    int hi = n - 1;
    while (lo < hi) {
      int mid = (lo + hi + 1) >>> 1;
      if (indexOffsets[mid] <= rel) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    long pos = n == 0 ? 0 : indexPositions[lo];
    long current = n == 0 ? baseOffset : baseOffset + indexOffsets[lo];
    ByteBuffer header = ByteBuffer.allocate(RECORD_OVERHEAD);
    while (current < offset) {
      header.clear();
      readFully(header, pos);
      pos += RECORD_OVERHEAD + (header.getInt(8) & 0xFFFFFFFFL);
      current++;
    }
    return pos;
  }

  /**
   * Reads whole records from {@code fromOffset}: at most {@code maxEvents}, and at most {@code
   * maxBytes} unless the first record alone is larger (a consumer must never get stuck).
   */
  ReadChunk read(long fromOffset, int maxEvents, int maxBytes) {
    long end = nextOffset;
    long limit = size;
    if (fromOffset >= end || maxEvents <= 0) {
      return ReadChunk.EMPTY;
    }
    try {
      long start = positionOf(fromOffset);
      long available = limit - start;
      int want = (int) Math.min(available, Math.max(maxBytes, RECORD_OVERHEAD));
      ByteBuffer buf = ByteBuffer.allocate(want);
      readFully(buf, start);
      buf.flip();
      int count = 0;
      int used = 0;
      while (count < maxEvents && used + RECORD_OVERHEAD <= buf.limit()) {
        int recordSize = RECORD_OVERHEAD + buf.getInt(used + 8);
        if (used + recordSize > buf.limit()) {
          if (count == 0) {
            ByteBuffer whole = ByteBuffer.allocate(recordSize);
            readFully(whole, start);
            whole.flip();
            return new ReadChunk(whole, 1);
          }
          break;
        }
        used += recordSize;
        count++;
      }
      return new ReadChunk(buf.limit(used), count);
    } catch (IOException e) {
      throw new UncheckedIOException("read " + logPath, e);
    }
  }

  /** Drops every record at or above {@code offset}. */
  void truncateTo(long offset) throws IOException {
    if (offset >= nextOffset) {
      return;
    }
    long pos = positionOf(offset);
    log.truncate(pos);
    log.force(true);
    scanAndTruncateTail();
  }

  void flush() throws IOException {
    log.force(false);
    index.force(false);
  }

  long baseOffset() {
    return baseOffset;
  }

  long nextOffset() {
    return nextOffset;
  }

  long size() {
    return size;
  }

  long lastAppendMillis() {
    return lastAppendMillis;
  }

  @Override
  public void close() throws IOException {
    log.close();
    index.close();
  }

  void delete() throws IOException {
    close();
    Files.deleteIfExists(logPath);
    Files.deleteIfExists(indexPath);
  }
}
