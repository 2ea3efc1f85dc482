package io.eventstreamcore.node.storage;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The segments of one topic, oldest first. Offsets are dense; they start at 0, or higher once
 * retention deleted old segments or a catch-up started the topic where the leader's copy starts.
 */
final class TopicLog implements Closeable {
  private final String topic;
  private final Path dir;
  private final StoreConfig config;
  private volatile List<Segment> segments;

  private TopicLog(String topic, Path dir, StoreConfig config, List<Segment> segments) {
    this.topic = topic;
    this.dir = dir;
    this.config = config;
    this.segments = segments;
  }

  static TopicLog open(String topic, Path dir, StoreConfig config) throws IOException {
    Files.createDirectories(dir);
    List<Long> bases;
    try (Stream<Path> files = Files.list(dir)) {
      bases =
          files
              .map(p -> p.getFileName().toString())
              .filter(n -> n.endsWith(".log"))
              .map(n -> Long.parseLong(n.substring(0, n.length() - 4)))
              .sorted()
              .toList();
    }
    List<Segment> segments = new ArrayList<>();
    for (int i = 0; i < bases.size(); i++) {
      boolean newest = i == bases.size() - 1;
      segments.add(
          newest
              ? Segment.recover(dir, bases.get(i), config.indexIntervalBytes())
              : Segment.load(dir, bases.get(i), bases.get(i + 1), config.indexIntervalBytes()));
    }
    if (segments.isEmpty()) {
      segments.add(Segment.create(dir, 0, config.indexIntervalBytes()));
    }
    return new TopicLog(topic, dir, config, List.copyOf(segments));
  }

  /** Replaces whatever the topic holds by one empty segment whose first offset is {@code base}. */
  synchronized void restartAt(long base) throws IOException {
    for (Segment s : segments) {
      s.delete();
    }
    segments = List.of(Segment.create(dir, base, config.indexIntervalBytes()));
  }

  private Segment active() {
    List<Segment> s = segments;
    return s.get(s.size() - 1);
  }

  long startOffset() {
    return segments.get(0).baseOffset();
  }

  long endOffset() {
    return active().nextOffset();
  }

  long sizeBytes() {
    return segments.stream().mapToLong(Segment::size).sum();
  }

  /** First offset of the oldest segment written to at or after {@code millis}; may be earlier. */
  long firstOffsetAppendedSince(long millis) {
    for (Segment s : segments) {
      if (s.lastAppendMillis() >= millis) {
        return s.baseOffset();
      }
    }
    return endOffset();
  }

  /**
   * Appends events in order and returns the offset of the first one. Each event becomes a record:
   * its offset, then its bytes unchanged, laid out in {@code buffer} and written from there.
   */
  long append(List<ByteBuffer> events, RecordBuffer buffer) throws IOException {
    int total = 0;
    for (ByteBuffer e : events) {
      total += 8 + e.remaining();
    }
    Segment seg = active();
    if (seg.size() > 0 && seg.size() + total > config.segmentBytes()) {
      seg = roll();
    }
    long first = seg.nextOffset();
    ByteBuffer records = buffer.take(total);
    int[] sizes = new int[events.size()];
    long offset = first;
    for (int i = 0; i < sizes.length; i++) {
      ByteBuffer e = events.get(i);
      sizes[i] = 8 + e.remaining();
      records.putLong(offset++).put(e.duplicate());
    }
    records.flip();
    seg.append(records, sizes, sizes.length);
    return first;
  }

  private synchronized Segment roll() throws IOException {
    Segment old = active();
    old.flush();
    Segment next = Segment.create(dir, old.nextOffset(), config.indexIntervalBytes());
    List<Segment> grown = new ArrayList<>(segments);
    grown.add(next);
    segments = List.copyOf(grown);
    return next;
  }

  ReadChunk read(long from, int maxEvents, int maxBytes) {
    List<Segment> s = segments;
    long start = s.get(0).baseOffset();
    long end = s.get(s.size() - 1).nextOffset();
    if (from < start || from > end) {
      throw new OffsetOutOfRangeException(topic, from, start, end);
    }
    for (int i = s.size() - 1; i >= 0; i--) {
      Segment seg = s.get(i);
      if (seg.baseOffset() <= from) {
        if (from < seg.nextOffset()) {
          return seg.read(from, maxEvents, maxBytes);
        }
        return i + 1 < s.size() ? s.get(i + 1).read(from, maxEvents, maxBytes) : ReadChunk.EMPTY;
      }
    }
    return ReadChunk.EMPTY;
  }

  void flush() throws IOException {
    for (Segment s : segments) {
      s.flush();
    }
  }

  /**
   * Drops every record at or above {@code offset}, whole newer segments first.
   *
   * @throws StoreDataLostException when the topic starts above {@code offset}
   */
  synchronized void truncateTo(long offset) throws IOException {
    List<Segment> kept = new ArrayList<>(segments);
    while (kept.size() > 1 && kept.get(kept.size() - 1).baseOffset() >= offset) {
      kept.remove(kept.size() - 1).delete();
    }
    Segment last = kept.get(kept.size() - 1);
    if (last.baseOffset() > offset) {
      // The records it would keep are gone (deleted, or never copied): what the snapshot says was
      // fsynced is not on disk, and only a fresh copy can make this member whole again.
      throw new StoreDataLostException(
          "topic "
              + topic
              + " starts at "
              + last.baseOffset()
              + ", so it cannot be cut back to "
              + offset
              + ": the store lost records it had fsynced");
    }
    last.truncateTo(offset);
    segments = List.copyOf(kept);
  }

  /**
   * Deletes the oldest sealed segments that are past the age limit or over the size limit, but only
   * those wholly below {@code protectedFrom}: records above it may still be re-applied from the
   * Raft log after a restart and must keep their offsets.
   */
  synchronized int applyRetention(long nowMillis, long protectedFrom) throws IOException {
    int deleted = 0;
    List<Segment> kept = new ArrayList<>(segments);
    long total = kept.stream().mapToLong(Segment::size).sum();
    while (kept.size() > 1) {
      Segment oldest = kept.get(0);
      boolean tooOld =
          config.retentionMs() >= 0 && oldest.lastAppendMillis() < nowMillis - config.retentionMs();
      boolean tooBig = config.retentionBytes() >= 0 && total > config.retentionBytes();
      if (!(tooOld || tooBig) || oldest.nextOffset() > protectedFrom) {
        break;
      }
      kept.remove(0);
      segments = List.copyOf(kept);
      total -= oldest.size();
      oldest.delete();
      deleted++;
    }
    return deleted;
  }

  void delete() throws IOException {
    for (Segment s : segments) {
      s.delete();
    }
    Files.deleteIfExists(dir);
  }

  @Override
  public void close() throws IOException {
    for (Segment s : segments) {
      s.close();
    }
  }
}
