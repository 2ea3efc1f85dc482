package io.eventstreamcore.protocol;

/** The topic name rule: 1–255 bytes of {@code [A-Za-z0-9._/-]}. */
public final class Topics {
  public static final int MAX_LENGTH = 255;

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
          ErrorCode.INVALID_TOPIC, "topic is " + topic.length() + " characters, at most 255");
    }
    for (int i = 0; i < topic.length(); i++) {
      if (!allowed(topic.charAt(i))) {
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
