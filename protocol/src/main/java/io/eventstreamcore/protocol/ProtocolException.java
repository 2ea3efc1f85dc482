package io.eventstreamcore.protocol;

/** Input that breaks the protocol; carries the code the peer is told. */
public class ProtocolException extends RuntimeException {
  private final ErrorCode code;

  public ProtocolException(ErrorCode code, String message) {
    super(message);
    this.code = code;
  }

  public ErrorCode code() {
    return code;
  }
}
