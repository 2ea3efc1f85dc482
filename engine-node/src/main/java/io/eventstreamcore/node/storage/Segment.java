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
 * One segment of a topic: a log file of records ({@code i64 offset} + event) and a sparse index in
 * memory of ({@code relative offset}, {@code position}) entries. The index is rebuilt when the
 * segment is opened, by the same scan that checks every record's CRC, so it needs no file of its
 * own. Appends come from the single apply thread; reads may come from any thread and see only what
 * {@link #size()} publishes.
 */
final class Segment implements Closeable {
  static final int RECORD_OVERHEAD = 8 + 4;

  /** The scan at open reads this much at a time: one read per chunk, not one per record. */
  private static final int SCAN_CHUNK = 1 << 20;

  private final long baseOffset;
  private final Path logPath;
  private final FileChannel log;
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
    this.log =
        FileChannel.open(
            logPath, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    // Index files of older versions: the index now lives in memory only.
    Files.deleteIfExists(dir.resolve(fileName(baseOffset, ".idx")));
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
   * Opens a sealed segment (one that has a successor, so it was fsynced when it was rolled). It
   * must hold exactly the offsets below its successor's first, each record whole and with a good
   * CRC. One that does not (a flipped bit, a lost block) is never cut short, which would leave a
   * gap in the topic: the store refuses to open, and the node is reported as having lost data.
   */
  static Segment load(Path dir, long baseOffset, long nextOffset, int indexIntervalBytes)
      throws IOException {
    Segment s = new Segment(dir, baseOffset, indexIntervalBytes);
    long good = s.scan();
    long fileSize = s.log.size();
    if (s.nextOffset != nextOffset || good != fileSize) {
      s.close();
      throw new StoreDataLostException(
          s.logPath
              + " is corrupt: its records check out up to offset "
              + s.nextOffset
              + " (byte "
              + good
              + " of "
              + fileSize
              + "), but the next segment starts at offset "
              + nextOffset);
    }
    return s;
  }

  /**
   * Opens the newest segment of a topic, dropping a torn or corrupt tail at the first record whose
   * length, offset or CRC does not check out (a crash in the middle of a write).
   */
  static Segment recover(Path dir, long baseOffset, int indexIntervalBytes) throws IOException {
    Segment s = new Segment(dir, baseOffset, indexIntervalBytes);
    s.scanAndTruncateTail();
    return s;
  }

  private void scanAndTruncateTail() throws IOException {
    long good = scan();
    if (good < log.size()) {
      log.truncate(good);
    }
  }

  /**
   * Reads the records from the start, checking each one's offset, length and CRC, and rebuilds the
   * index from them; stops at the first that does not check out.
   *
   * @return the end of the last good record
   */
  private long scan() throws IOException {
    long fileSize = log.size();
    long pos = 0;
    long offset = baseOffset;
    indexCount = 0;
    bytesSinceIndex = 0;
    ByteBuffer window = ByteBuffer.allocate(0);
    long windowStart = 0;
    while (pos + RECORD_OVERHEAD <= fileSize) {
      if (pos + RECORD_OVERHEAD > windowStart + window.limit()) {
        window = fill(window, pos, SCAN_CHUNK, fileSize);
        windowStart = pos;
      }
      int at = (int) (pos - windowStart);
      long recordOffset = window.getLong(at);
      long eventLength = window.getInt(at + 8) & 0xFFFFFFFFL;
      long recordSize = RECORD_OVERHEAD + eventLength;
      if (recordOffset != offset
          || pos + recordSize > fileSize
          || eventLength > Integer.MAX_VALUE - 16) {
        break;
      }
      if (pos + recordSize > windowStart + window.limit()) {
        window = fill(window, pos, Math.max(SCAN_CHUNK, recordSize), fileSize);
        windowStart = pos;
        at = 0;
      }
      // The event is its u32 length field and what follows: from byte 8 of the record.
      ByteBuffer event = window.duplicate().limit(at + (int) recordSize).position(at + 8).slice();
      try {
        EventCodec.validate(event, Integer.MAX_VALUE);
      } catch (ProtocolException corrupt) {
        break;
      }
      maybeIndex(offset, pos, recordSize);
      pos += recordSize;
      offset++;
    }
    size = pos;
    nextOffset = offset;
    return pos;
  }

  /** {@code window} (or a larger buffer) filled with up to {@code want} bytes from {@code pos}. */
  private ByteBuffer fill(ByteBuffer window, long pos, long want, long fileSize)
      throws IOException {
    int length = (int) Math.min(want, fileSize - pos);
    ByteBuffer b = window.capacity() >= length ? window.clear() : ByteBuffer.allocate(length);
    b.limit(length);
    readFully(b, pos);
    return b.flip();
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

  private void maybeIndex(long offset, long position, long recordSize) {
    if (indexCount == 0 || bytesSinceIndex >= indexIntervalBytes) {
      int n = indexCount;
      if (n == indexOffsets.length) {
        indexOffsets = Arrays.copyOf(indexOffsets, n * 2);
        indexPositions = Arrays.copyOf(indexPositions, n * 2);
      }
      indexOffsets[n] = (int) (offset - baseOffset);
      indexPositions[n] = (int) position;
      indexCount = n + 1;
      bytesSinceIndex = 0;
    }
    bytesSinceIndex += recordSize;
  }

  /**
   * Appends already-encoded records whose offsets start at {@link #nextOffset()}. A write that
   * fails part-way (a full disk) leaves the segment as it was: its bytes are cut off again, and the
   * index learns of records only once they are written.
   *
   * @param records the records back to back; {@code recordSizes} their sizes in order
   */
  void append(ByteBuffer records, int[] recordSizes, int count) throws IOException {
    long writeAt = size;
    try {
      while (records.hasRemaining()) {
        writeAt += log.write(records, writeAt);
      }
    } catch (IOException e) {
      try {
        log.truncate(size);
      } catch (IOException cut) {
        e.addSuppressed(cut);
      }
      throw new IOException("append to " + logPath + ": " + e.getMessage(), e);
    }
    long pos = size;
    long offset = nextOffset;
    for (int i = 0; i < count; i++) {
      maybeIndex(offset + i, pos, recordSizes[i]);
      pos += recordSizes[i];
    }
    nextOffset = offset + count;
    lastAppendMillis = System.currentTimeMillis();
    size = writeAt;
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
  }

  void delete() throws IOException {
    close();
    Files.deleteIfExists(logPath);
  }
}
