package io.eventstreamcore.protocol;

/** Typed error codes of the wire protocol; docs/protocol.md explains each one. */
public enum ErrorCode {
  OK(0, false),
  UNSUPPORTED_VERSION(1, false),
  HANDSHAKE_REQUIRED(2, false),
  FRAME_CRC_MISMATCH(3, true),
  FRAME_TOO_LARGE(4, false),
  MALFORMED_FRAME(5, false),
  UNKNOWN_REQUEST_TYPE(6, false),
  EVENT_CRC_MISMATCH(7, false),
  EVENT_TOO_LARGE(8, false),
  INVALID_TOPIC(9, false),
  INVALID_EVENT(10, false),
  NOT_LEADER(11, true),
  TIMEOUT(12, true),
  OFFSET_OUT_OF_RANGE(13, false),
  UNKNOWN_SUBSCRIPTION(14, false),
  UNAVAILABLE(15, true),
  INTERNAL(16, true),
  /** Not an error: the event's id was stored before; the offset is where. */
  DUPLICATE(17, false),
  /**
   * The node sheds this event's priority class under load; the i64 of the answer is a retry-after
   * hint in milliseconds.
   */
  OVERLOADED(18, true),
  /**
   * Not stored in its topic: the node put it in the dead-letter queue instead (the topic's policy
   * under load); the i64 of the answer is its offset in {@link Topics#DEAD_LETTER}.
   */
  DEAD_LETTERED(19, false),
  /** HELLO did not prove who the client is, on a node that requires it; connection closed. */
  AUTHENTICATION_FAILED(20, false),
  /** The authenticated user lacks the right this request needs (a topic, or admin). */
  NOT_AUTHORIZED(21, false),
  /**
   * Not stored: the node's data volume is short of space. Retryable: the node takes events again by
   * itself once space returns, and another node may lead meanwhile.
   */
  STORAGE_FULL(22, true),
  /**
   * A second HELLO on a connection that already has one: who the client is stays as the first HELLO
   * said, and the connection stays open. A client changes identity on a new connection.
   */
  ALREADY_GREETED(23, false);

  private static final ErrorCode[] BY_CODE = new ErrorCode[values().length];

  static {
    for (ErrorCode c : values()) {
      BY_CODE[c.code] = c;
    }
  }

  private final int code;
  private final boolean retryable;

  ErrorCode(int code, boolean retryable) {
    this.code = code;
    this.retryable = retryable;
  }

  public int code() {
    return code;
  }

  public boolean retryable() {
    return retryable;
  }

  /** Codes from a newer peer that this version does not know map to INTERNAL. */
  public static ErrorCode fromCode(int code) {
    return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : INTERNAL;
  }
}
