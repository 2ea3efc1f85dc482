package io.eventstreamcore.client;

import io.eventstreamcore.protocol.ErrorCode;
import java.util.concurrent.CompletionException;

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

  /** What a send's future failed with, as a typed error (anything unexpected is UNAVAILABLE). */
  public static EscException of(Throwable failure) {
    Throwable c =
        failure instanceof CompletionException && failure.getCause() != null
            ? failure.getCause()
            : failure;
    return c instanceof EscException e
        ? e
        : new EscException(ErrorCode.UNAVAILABLE, String.valueOf(c), "");
  }
}
