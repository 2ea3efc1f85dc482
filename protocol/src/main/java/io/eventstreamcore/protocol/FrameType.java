package io.eventstreamcore.protocol;

/** Frame types of protocol version 1; requests have the high bit clear, replies set. */
public enum FrameType {
  HELLO(0x01),
  PRODUCE(0x02),
  FETCH(0x03),
  SUBSCRIBE(0x04),
  CREDIT(0x05),
  UNSUBSCRIBE(0x06),
  METADATA(0x07),
  HELLO_OK(0x81),
  PRODUCE_ACK(0x82),
  FETCH_RESULT(0x83),
  SUBSCRIBED(0x84),
  EVENTS(0x85),
  UNSUBSCRIBED(0x86),
  METADATA_RESULT(0x87),
  ERROR(0xFF);

  private static final FrameType[] BY_CODE = new FrameType[256];

  static {
    for (FrameType t : values()) {
      BY_CODE[t.code] = t;
    }
  }

  private final int code;

  FrameType(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }

  /** Returns null for a code this version does not know. */
  public static FrameType fromCode(int code) {
    return BY_CODE[code & 0xFF];
  }
}
