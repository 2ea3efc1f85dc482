package io.eventstreamcore.protocol;

/** Priority classes, most urgent first. The wire code is the ordinal. */
public enum Priority {
  CRITICAL,
  HIGH,
  MEDIUM,
  LOW,
  BATCH;

  private static final Priority[] BY_CODE = values();

  public int code() {
    return ordinal();
  }

  public static Priority fromCode(int code) {
    if (code < 0 || code >= BY_CODE.length) {
      throw new ProtocolException(ErrorCode.INVALID_EVENT, "unknown priority code " + code);
    }
    return BY_CODE[code];
  }
}
