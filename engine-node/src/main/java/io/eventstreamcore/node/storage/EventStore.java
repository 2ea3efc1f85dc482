package io.eventstreamcore.node.storage;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The committed events a node serves to consumers, one {@link TopicLog} per topic. It is derived
 * state: the Raft state machine is its only writer, and after a crash it is cut back to the last
 * snapshot and rebuilt from the Raft log, so it never needs an fsync per write.
 */
public final class EventStore implements Closeable {
  private static final String TOPIC_DIR_PREFIX = "t-";

  private final Path dir;
  private final StoreConfig config;
  private final ConcurrentSkipListMap<String, TopicLog> topics = new ConcurrentSkipListMap<>();
  private final List<Consumer<String>> appendListeners = new CopyOnWriteArrayList<>();
  private final RecordBuffer records = new RecordBuffer();

  private EventStore(Path dir, StoreConfig config) {
    this.dir = dir;
    this.config = config;
  }

  public static EventStore open(Path dir, StoreConfig config) throws IOException {
    Files.createDirectories(dir);
    EventStore store = new EventStore(dir, config);
    try (Stream<Path> entries = Files.list(dir)) {
      for (Path p : entries.filter(Files::isDirectory).toList()) {
        String name = p.getFileName().toString();
        if (name.startsWith(TOPIC_DIR_PREFIX)) {
          String topic = topicOf(name);
          store.topics.put(topic, TopicLog.open(topic, p, config));
        }
      }
    }
    return store;
  }

  /** Topics may contain '/', '.' and '..'; a prefix and an escape keep them one safe dir name. */
  static String dirNameOf(String topic) {
    return TOPIC_DIR_PREFIX + topic.replace("/", "%2F");
  }

  static String topicOf(String dirName) {
    return dirName.substring(TOPIC_DIR_PREFIX.length()).replace("%2F", "/");
  }

  public void onAppend(Consumer<String> listener) {
    appendListeners.add(listener);
  }

  private TopicLog topicLog(String topic) throws IOException {
    TopicLog log = topics.get(topic);
    if (log == null) {
      log = TopicLog.open(topic, dir.resolve(dirNameOf(topic)), config);
      topics.put(topic, log);
    }
    return log;
  }

  /**
   * Appends a batch's events (each given with its topic) and returns their offsets in batch order.
   * Called by one writer at a time (the apply thread, or a catch-up from the leader's snapshot,
   * both under the state machine's writer lock). All or nothing: when a write fails (a full disk),
   * the topics written so far are cut back, so the same batch can be applied again.
   *
   * @throws UnstorableTopicException before anything is written, when a topic new to this store is
   *     not a name it can hold
   */
  public long[] append(List<ByteBuffer> events, List<String> eventTopics) {
    long[] offsets = new long[events.size()];
    Map<String, List<Integer>> byTopic = new TreeMap<>();
    for (int i = 0; i < events.size(); i++) {
      byTopic.computeIfAbsent(eventTopics.get(i), t -> new ArrayList<>()).add(i);
    }
    for (String topic : byTopic.keySet()) {
      if (!topics.containsKey(topic)) {
        UnstorableTopicException.check(topic);
      }
    }
    Map<TopicLog, Long> endsBefore = new LinkedHashMap<>();
    try {
      for (Map.Entry<String, List<Integer>> e : byTopic.entrySet()) {
        List<Integer> idx = e.getValue();
        List<ByteBuffer> slice = new ArrayList<>(idx.size());
        for (int i : idx) {
          slice.add(events.get(i));
        }
        TopicLog log = topicLog(e.getKey());
        endsBefore.put(log, log.endOffset());
        long first = log.append(slice, records);
        for (int k = 0; k < idx.size(); k++) {
          offsets[idx.get(k)] = first + k;
        }
      }
    } catch (IOException ex) {
      undo(endsBefore, ex);
      throw new UncheckedIOException(ex);
    }
    for (String topic : byTopic.keySet()) {
      for (Consumer<String> l : appendListeners) {
        l.accept(topic);
      }
    }
    return offsets;
  }

  private static void undo(Map<TopicLog, Long> endsBefore, IOException failure) {
    for (Map.Entry<TopicLog, Long> e : endsBefore.entrySet()) {
      try {
        e.getKey().truncateTo(e.getValue());
      } catch (IOException cut) {
        failure.addSuppressed(cut);
      }
    }
  }

  /** Reads records of a topic; an unknown topic reads as empty so consumers may wait for it. */
  public ReadChunk read(String topic, long from, int maxEvents, int maxBytes) {
    for (int attempt = 0; ; attempt++) {
      TopicLog log = topics.get(topic);
      if (log == null) {
        if (from != 0) {
          throw new OffsetOutOfRangeException(topic, from, 0, 0);
        }
        return ReadChunk.EMPTY;
      }
      try {
        return log.read(from, maxEvents, maxBytes);
      } catch (UncheckedIOException e) {
        // Retention may close a segment under a reader; the next attempt sees the new bounds.
        if (!(e.getCause() instanceof ClosedChannelException) || attempt > 0) {
          throw e;
        }
      }
    }
  }

  public long startOffset(String topic) {
    TopicLog log = topics.get(topic);
    return log == null ? 0 : log.startOffset();
  }

  public long endOffset(String topic) {
    TopicLog log = topics.get(topic);
    return log == null ? 0 : log.endOffset();
  }

  /**
   * An offset at or before the first record of {@code topic} appended at or after {@code millis}
   * (whole segments are the unit, so a few older records may come along).
   */
  public long firstOffsetAppendedSince(String topic, long millis) {
    TopicLog log = topics.get(topic);
    return log == null ? 0 : log.firstOffsetAppendedSince(millis);
  }

  /** End offset of every topic, in topic order. */
  public SortedMap<String, Long> endOffsets() {
    SortedMap<String, Long> ends = new TreeMap<>();
    topics.forEach((t, log) -> ends.put(t, log.endOffset()));
    return ends;
  }

  public List<String> topics() {
    return List.copyOf(topics.keySet());
  }

  /** Bytes of {@code topic}'s segments on disk, 0 for a topic not stored here. */
  public long sizeBytes(String topic) {
    TopicLog log = topics.get(topic);
    return log == null ? 0 : log.sizeBytes();
  }

  public long sizeBytes() {
    return topics.values().stream().mapToLong(TopicLog::sizeBytes).sum();
  }

  /** Forces every segment to disk; a snapshot is taken only after this. */
  public void flush() throws IOException {
    for (TopicLog log : topics.values()) {
      log.flush();
    }
  }

  /**
   * Cuts the store back to a snapshot's end offsets: records above them and topics the snapshot
   * does not know are dropped, to be re-applied from the Raft log.
   */
  public void truncateTo(Map<String, Long> ends) throws IOException {
    for (String topic : List.copyOf(topics.keySet())) {
      Long end = ends.get(topic);
      if (end == null) {
        topics.remove(topic).delete();
      } else {
        topics.get(topic).truncateTo(end);
      }
    }
    for (Map.Entry<String, Long> e : ends.entrySet()) {
      if (topicLog(e.getKey()).endOffset() != e.getValue()) {
        throw new StoreDataLostException(
            "topic "
                + e.getKey()
                + " ends at "
                + topics.get(e.getKey()).endOffset()
                + " but the snapshot says "
                + e.getValue()
                + ": the store lost data it had fsynced");
      }
    }
  }

  /**
   * Empties a topic and makes {@code offset} its next offset: a follower catching up from a leader
   * whose retention already deleted the records before it.
   */
  public void restartTopicAt(String topic, long offset) throws IOException {
    topicLog(topic).restartAt(offset);
  }

  /**
   * Applies retention to every topic, keeping what lies above {@code protectedEnds} (the last
   * snapshot's end offsets).
   *
   * @return segments deleted
   */
  public int applyRetention(long nowMillis, Map<String, Long> protectedEnds) throws IOException {
    int deleted = 0;
    for (Map.Entry<String, TopicLog> e : topics.entrySet()) {
      deleted += e.getValue().applyRetention(nowMillis, protectedEnds.getOrDefault(e.getKey(), 0L));
    }
    return deleted;
  }

  @Override
  public void close() throws IOException {
    for (TopicLog log : topics.values()) {
      log.close();
    }
    topics.clear();
  }
}
