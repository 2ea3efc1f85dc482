package io.eventstreamcore.client;

import io.eventstreamcore.protocol.ErrorCode;

/** A typed error from a node (or from the connection, as UNAVAILABLE). */
public class EscException extends RuntimeException {
  private final ErrorCode code;
  private final String leaderEndpoint;

  public EscException(ErrorCode code, String message, String leaderEndpoint) {
    super(code + ": " + message);
    this.code = code;
    this.leaderEndpoint = leaderEndpoint == null ? "" : leaderEndpoint;
  }

  public ErrorCode code() {
    return code;
  }

  public boolean retryable() {
    return code.retryable();
  }

  public String leaderEndpoint() {
    return leaderEndpoint;
  }
}
