package io.eventstreamcore.node.storage;

/**
 * Recognises a write that failed because the volume is full. The JDK gives that no exception type
 * of its own: it is an IOException carrying the system's message for ENOSPC.
 */
public final class NoSpace {
  private static final String ENOSPC_MESSAGE = "No space left on device";

  private NoSpace() {}

  public static boolean isCause(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (String.valueOf(t.getMessage()).contains(ENOSPC_MESSAGE)) {
        return true;
      }
    }
    return false;
  }
}
