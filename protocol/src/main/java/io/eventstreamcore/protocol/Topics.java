package io.eventstreamcore.protocol;

/**
 * The topic name rule: 1–255 bytes of {@code [A-Za-z0-9._/-]}, and at most {@value
 * #MAX_STORED_LENGTH} once every '/' is counted as three.
 *
 * <p>The second limit is the store's: a node keeps each topic in a directory named {@code t-} plus
 * the topic with '/' written as {@code %2F}, and a file name holds 255 bytes. A name the store
 * cannot hold must be refused before it is replicated: inside the Raft apply step it would fail on
 * every node alike.
 */
public final class Topics {
  public static final int MAX_LENGTH = 255;

  /** The longest topic in stored form: {@link #MAX_LENGTH} less the two-byte directory prefix. */
  public static final int MAX_STORED_LENGTH = 253;

  /** Topics that start with this are written by the engine itself, never by producers. */
  public static final String INTERNAL_PREFIX = "_";

  public static final String DEAD_LETTER = "_dlq";

  public static boolean isInternal(String topic) {
    return topic.startsWith(INTERNAL_PREFIX);
  }

  private Topics() {}

  public static String validate(String topic) {
    if (topic == null || topic.isEmpty()) {
      throw new ProtocolException(ErrorCode.INVALID_TOPIC, "topic must not be empty");
    }
    if (topic.length() > MAX_LENGTH) {
      throw new ProtocolException(
          ErrorCode.INVALID_TOPIC,
          "topic is " + topic.length() + " characters, at most " + MAX_LENGTH);
    }
    int slashes = 0;
    for (int i = 0; i < topic.length(); i++) {
      char c = topic.charAt(i);
      if (!allowed(c)) {
        throw new ProtocolException(
            ErrorCode.INVALID_TOPIC,
            "topic '"
                + printable(topic)
                + "' has '"
                + printable(topic.substring(i, i + 1))
                + "' at "
                + i
                + "; allowed are A-Z a-z 0-9 . _ / -");
      }
      if (c == '/') {
        slashes++;
      }
    }
    int stored = topic.length() + 2 * slashes;
    if (stored > MAX_STORED_LENGTH) {
      throw new ProtocolException(
          ErrorCode.INVALID_TOPIC,
          "topic is "
              + topic.length()
              + " characters with "
              + slashes
              + " '/', "
              + stored
              + " when each '/' counts three; at most "
              + MAX_STORED_LENGTH);
    }
    return topic;
  }

  static boolean allowed(int c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || c == '.'
        || c == '_'
        || c == '/'
        || c == '-';
  }

  private static String printable(String s) {
    StringBuilder b = new StringBuilder();
    s.codePoints()
        .forEach(c -> b.append(c >= 0x20 && c < 0x7f ? String.valueOf((char) c) : "\\u" + c));
    return b.toString();
  }
}
