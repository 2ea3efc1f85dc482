package io.eventstreamcore.protocol;

public enum NodeRole {
  LEADER,
  FOLLOWER,
  CANDIDATE,
  UNKNOWN;

  public static NodeRole fromCode(int code) {
    return code >= 0 && code < values().length ? values()[code] : UNKNOWN;
  }
}
